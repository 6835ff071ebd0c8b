package dev.perfmon.it.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operations' MXBeans in a real JVM, read the way JConsole and VisualVM do (the JVM's local
 * management agent, started through the attach API): present after {@code attach}, with live
 * figures, as {@code dev.perfmon:type=Operation,name="..."}, and gone after {@code detach}.
 */
class JmxIT {
  private static final String CALC = "example.attach.AttachTarget$Calc";

  static java.util.List<Jdk> jdks() {
    return Jdk.all();
  }

  // The connection goes to the local management agent of the test's own child JVM.
  @SuppressWarnings("BanJNDI")
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void beansAreRegisteredAfterAttachReadLiveAndUnregisteredOnDetach(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("jmx-" + jdk.name());
    try (ForkedJvm.Running target = ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120").start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      String pid = Long.toString(target.pid());
      Path out = dir.resolve("stats.jsonl");
      Cli attach = Cli.run(jdk, "attach", pid, "methods=" + CALC + "#work;" + CALC + "#other", "interval=300ms", "output.file=" + out);
      assertThat(attach.code()).as(attach.toString()).isZero();
      AgentOutput.await(out, o -> o.snapshots().size() >= 2, Duration.ofSeconds(30));

      VirtualMachine vm = VirtualMachine.attach(pid);
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = c.getMBeanServerConnection();
        ObjectName work = new ObjectName("dev.perfmon:type=Operation,name=" + ObjectName.quote(CALC + ".work"));
        long end = System.nanoTime() + 20_000_000_000L;
        while (!server.isRegistered(work) && System.nanoTime() < end) {
          Thread.sleep(100);
        }
        assertThat(server.isRegistered(work)).isTrue();
        Set<ObjectName> all = server.queryNames(new ObjectName("dev.perfmon:type=Operation,*"), null);
        assertThat(all).contains(work, new ObjectName("dev.perfmon:type=Operation,name=" + ObjectName.quote(CALC + ".other")));
        assertThat(server.getAttribute(work, "Name")).isEqualTo(CALC + ".work");
        long first = (Long) server.getAttribute(work, "Count");
        assertThat(first).isPositive();
        assertThat((Long) server.getAttribute(work, "Errors")).isZero();
        double p50 = (Double) server.getAttribute(work, "P50Millis");
        double max = (Double) server.getAttribute(work, "MaxMillis");
        double min = (Double) server.getAttribute(work, "MinMillis");
        assertThat(p50).isBetween(min, max);
        assertThat((Double) server.getAttribute(work, "AverageMillis")).isPositive();
        Thread.sleep(1200);
        assertThat((Long) server.getAttribute(work, "Count")).as("live figures").isGreaterThan(first);

        Cli detach = Cli.run(jdk, "detach", pid);
        assertThat(detach.code()).as(detach.toString()).isZero();
        assertThat(server.queryNames(new ObjectName("dev.perfmon:type=Operation,*"), null)).as("unregistered on detach").isEmpty();
      }
      assertThat(target.stderr()).doesNotContain("[ERROR]").doesNotContain("JMX beans not registered");
    }
  }
}
