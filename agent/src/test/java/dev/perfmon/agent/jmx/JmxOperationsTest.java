package dev.perfmon.agent.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.CapturingLogger;
import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JmxOperationsTest {
  private static final Output NONE =
      TestOutputs.NONE;

  private final CapturingLogger log = new CapturingLogger();
  private final OperationRegistry registry = new OperationRegistry(3, n -> {});
  private final Monitor monitor =
      new Monitor(registry, List.of(NONE), Duration.ofHours(1), List.of(), false, false, log);
  private final JmxOperations jmx = new JmxOperations(new LiveStats(() -> monitor, false), 3, log);
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @AfterEach
  void clear() {
    jmx.close();
    Recorders.clear();
  }

  @Test
  void beansAppearAfterASnapshotReadLiveFiguresAndGoOnClose() throws Exception {
    monitor.addTickListener(jmx);
    String odd = "jdbc.SELECT \"a\", b FROM t WHERE x = ?";
    int id = registry.idOf(odd);
    for (int i = 0; i < 4; i++) {
      PerfMon.recordNanos(id, 2_000_000, i == 0);
    }
    ObjectName name = JmxOperations.nameOf(odd);
    assertThat(server.isRegistered(name)).as("nothing before a snapshot").isFalse();
    monitor.writeSnapshot();
    assertThat(server.isRegistered(name)).isTrue();
    OperationMXBean bean = JMX.newMXBeanProxy(server, name, OperationMXBean.class);
    assertThat(bean.getName()).isEqualTo(odd);
    assertThat(bean.getCount()).isEqualTo(4);
    assertThat(bean.getErrors()).isEqualTo(1);
    assertThat(bean.getP95Millis()).isBetween(1.98, 2.02);
    assertThat(bean.getAverageMillis()).isEqualTo(2.0);
    assertThat(server.getAttribute(name, "Count")).isEqualTo(4L);
    Thread.sleep(1100);
    PerfMon.recordNanos(id, 2_000_000, false);
    assertThat(bean.getCount()).as("read on request, not only at snapshots").isEqualTo(5);
    assertThat(bean.getIntervalCount()).isEqualTo(1);

    // bounded: the cap (3 operations here, 'other' included) is never exceeded
    for (String n : List.of("b", "c", "d", "e")) {
      PerfMon.recordNanos(registry.idOf(n), 1_000, false);
    }
    monitor.writeSnapshot();
    assertThat(jmx.size()).isLessThanOrEqualTo(3);
    assertThat(server.queryNames(new ObjectName("dev.perfmon:type=Operation,*"), null)).hasSize(jmx.size());

    jmx.close();
    assertThat(server.queryNames(new ObjectName("dev.perfmon:type=Operation,*"), null)).isEmpty();
    monitor.writeSnapshot();
    assertThat(server.queryNames(new ObjectName("dev.perfmon:type=Operation,*"), null)).as("none after close").isEmpty();
    assertThat(log.at("WARN")).isEmpty();
  }
}
