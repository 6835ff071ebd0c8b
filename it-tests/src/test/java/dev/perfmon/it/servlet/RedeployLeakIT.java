package dev.perfmon.it.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Undeployed web applications do not stay in memory because of the agent: {@link RedeployApp}
 * deploys, requests and undeploys a web application {@value #CYCLES} times in one embedded Tomcat,
 * with servlet, JDBC and method instrumentation woven into the web application's own classes, and
 * afterwards every one of the web-app class loaders must be collected after {@code System.gc()}
 * (soft references, which only go under heap pressure, count as a leak here), and the metaspace
 * must stay flat from cycle to cycle. The same application without the agent is the control: it
 * shows that the test itself leaks nothing.
 */
class RedeployLeakIT {
  private static final int CYCLES = 20;
  /** Cycles before metaspace is compared: Tomcat, H2 and the agent load their own classes first. */
  private static final int WARM_UP = 5;
  /**
   * Allowed metaspace growth from cycle {@value #WARM_UP} to the end, beyond the control run's: a
   * generous bound for the agent's own lazily loaded classes and metaspace fragmentation, below
   * what a single deployment left loaded would add (about 4 MB).
   */
  private static final long METASPACE_MARGIN = 3L * 1024 * 1024;
  /** Allowed growth of the loaded class count over the same cycles (one deployment: ~560). */
  private static final long CLASS_MARGIN = 150;

  private static final Pattern CYCLE = Pattern.compile("CYCLE (\\d+) metaspace=(\\d+) classes=(\\d+)");
  private static final Pattern ALIVE = Pattern.compile("ALIVE (\\d+) OF (\\d+)");
  private static final Pattern END = Pattern.compile("END metaspace=(\\d+) classes=(\\d+)");

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void undeployedWebAppsAreCollected(Jdk jdk) throws Exception {
    Run control = run(jdk, false);
    assertThat(control.alive).as("control run without the agent: %s", control.describe).isZero();

    Run agent = run(jdk, true);
    assertThat(agent.alive)
        .as("web-app class loaders still reachable under the agent: %s", agent.describe)
        .isZero();
    // Tomcat's own leak detection (ThreadLocals, threads, drivers) reports nothing either.
    assertThat(control.stderr).as("Tomcat's leak reports without the agent").doesNotContain("memory leak");
    assertThat(agent.stderr).as("Tomcat's leak reports under the agent").doesNotContain("memory leak");

    // One deployment that stayed loaded would hold some 560 classes (its H2 copy included) and
    // about 4 MB of metaspace; fifteen of them (cycles 6 to 20) far more.
    long controlGrowth = Math.max(0, control.metaspaceGrowth());
    assertThat(agent.metaspaceGrowth())
        .as("metaspace growth from cycle %d to the end under the agent (control: %d bytes): %s, end %d",
            WARM_UP, controlGrowth, agent.metaspace, agent.endMetaspace)
        .isLessThanOrEqualTo(controlGrowth + METASPACE_MARGIN);
    assertThat(agent.endClasses - agent.classes.get(WARM_UP - 1))
        .as("loaded classes: end %d vs cycle %d: %s", agent.endClasses, WARM_UP, agent.classes)
        .isLessThanOrEqualTo(CLASS_MARGIN);

    // The advice really ran inside the web applications' classes, in every cycle.
    AgentOutput out = AgentOutput.read(agent.dir.resolve("stats.jsonl"));
    assertThat(out.operation("redeploy.work"))
        .as("method operation in %s", out.operationNames())
        .isNotNull();
    assertThat(out.operation("redeploy.work").get("count").asLong()).isEqualTo(3L * CYCLES);
    long servletRequests =
        out.operationNames().stream()
            .filter(n -> n.startsWith("servlet.GET "))
            .mapToLong(n -> out.operation(n).get("count").asLong())
            .sum();
    assertThat(servletRequests).as("servlet samples in %s", out.operationNames()).isEqualTo(4L * CYCLES);
    assertThat(out.operationNames())
        .as("JDBC operations")
        .contains(
            "jdbc.SELECT COUNT(*) FROM redeploy_values",
            "jdbc.SELECT v FROM redeploy_values WHERE id = ?");
    assertThat(out.operation("jdbc.SELECT v FROM redeploy_values WHERE id = ?").get("count").asLong())
        .isEqualTo(3L * CYCLES);
    assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong())
        .as("suppressed advice errors")
        .isZero();
  }

  private record Run(
      int alive,
      List<Long> metaspace,
      List<Long> classes,
      long endMetaspace,
      long endClasses,
      Path dir,
      String stderr,
      String describe) {
    /** From after cycle {@link #WARM_UP} to after the final collections. */
    long metaspaceGrowth() {
      return endMetaspace - metaspace.get(WARM_UP - 1);
    }
  }

  private static Run run(Jdk jdk, boolean withAgent) throws Exception {
    Path dir = ForkedJvm.workDir("redeploy-" + jdk.name() + (withAgent ? "-agent" : "-control"));
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk)
            .mainClass(RedeployApp.class)
            .classpath(
                Path.of(System.getProperty("perfmon.it.tomcat9.jar")),
                Path.of(System.getProperty("perfmon.it.tomcat9.annotations.jar")))
            .workDir(dir)
            .jvmArg("-Duser.language=en") // Tomcat's leak reports in English (asserted below)
            // As Tomcat's start-up scripts do: lets its own leak detection and prevention work.
            .jvmArg("--add-opens=java.base/java.lang=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.io=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.util=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED")
            .jvmArg("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED")
            .args(Integer.toString(CYCLES));
    if (withAgent) {
      b.agent(
          "interval=1h,output.file=stats.jsonl,instrument.servlet=true,instrument.jdbc=true,"
              + "methods=dev.perfmon.it.servlet.webapp.Work#sum=redeploy.work");
    }
    try (ForkedJvm.Running app = b.start()) {
      int code = app.waitForExit(Duration.ofMinutes(8)); // about 1 minute on 2 idle cores
      String describe = app.describe();
      assertThat(code).as("exit code: %s", describe).isZero();
      String stdout = app.stdout();
      assertThat(stdout).as(describe).contains("DONE");
      List<Long> metaspace = new ArrayList<>();
      List<Long> classes = new ArrayList<>();
      Matcher m = CYCLE.matcher(stdout);
      while (m.find()) {
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(metaspace.size() + 1);
        metaspace.add(Long.parseLong(m.group(2)));
        classes.add(Long.parseLong(m.group(3)));
      }
      assertThat(metaspace).as(describe).hasSize(CYCLES);
      Matcher a = ALIVE.matcher(stdout);
      assertThat(a.find()).as(describe).isTrue();
      assertThat(Integer.parseInt(a.group(2))).isEqualTo(CYCLES);
      Matcher e = END.matcher(stdout);
      assertThat(e.find()).as(describe).isTrue();
      return new Run(
          Integer.parseInt(a.group(1)),
          metaspace,
          classes,
          Long.parseLong(e.group(1)),
          Long.parseLong(e.group(2)),
          dir,
          app.stderr(),
          describe);
    }
  }
}
