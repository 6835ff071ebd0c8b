package dev.perfmon.it.diag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the agent shows of the failures it suppresses (docs/diagnostics.md): the JDBC advice and the
 * configured methods' recording are made to fail on purpose ({@code -Dperfmon.test.faults=advice,record}),
 * and the first failure of each module is logged once at WARN with its stack trace, every
 * snapshot counts them per module, {@code log.level=debug} logs more of them at a bounded rate,
 * and the application's results are those of a run without failures.
 *
 * <p>Every run also starts with the host's {@code -Dslf4j.provider} pointing at Logback and a
 * malformed {@code servlet.name-rules} entry: the servlet module's warning must come through the
 * agent's own logger, and SLF4J must not complain on the application's stderr.
 */
class DiagnosticsIT {
  private static final String APP = DiagnosticsApp.class.getName();

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void eachModulesFirstSuppressedFailureIsLoggedOnceAndAllAreCounted(Jdk jdk) throws Exception {
    Run clean = run(jdk, null, "info");
    Run failing = run(jdk, "advice,record", "info");

    assertThat(failing.code).as(failing.describe).isZero();
    assertThat(failing.result).as("the application's own results").isEqualTo(clean.result).startsWith("RESULT ");

    // The host's slf4j.provider is left alone, the servlet module's warning uses the agent's logger.
    for (Run r : List.of(clean, failing)) {
      assertThat(r.stderr).as(r.describe).doesNotContain("SLF4J");
      assertThat(r.stderr)
          .as(r.describe)
          .contains("[WARN] perfmon - servlet.name-rules: ignoring 'no-arrow-here'");
    }

    JsonNode cleanAgent = clean.lastSnapshot().path("agent");
    assertThat(cleanAgent.path("suppressedErrors").asLong()).isZero();
    for (String module : List.of("servlet", "jdbc", "methods", "api", "other")) {
      assertThat(cleanAgent.path("suppressedByModule").path(module).isIntegralNumber()).as(module).isTrue();
      assertThat(cleanAgent.path("suppressedByModule").path(module).asLong()).as(module).isZero();
    }
    assertThat(clean.stderr).doesNotContain("instrumentation failed inside the application");

    // One thread failed: the counts are exact.
    JsonNode agent = failing.lastSnapshot().path("agent");
    JsonNode byModule = agent.path("suppressedByModule");
    // Every statement execution (its hook fails: advice), and getConnection (its recording fails: record).
    assertThat(byModule.path("jdbc").asLong()).as("every JDBC call").isEqualTo(DiagnosticsApp.STATEMENTS + DiagnosticsApp.PREPARED + 1);
    assertThat(byModule.path("methods").asLong()).as("every call of work()").isEqualTo(DiagnosticsApp.WORK);
    assertThat(byModule.path("servlet").asLong()).isZero();
    assertThat(byModule.path("api").asLong()).isZero();
    assertThat(agent.path("suppressedErrors").asLong())
        .as("the sum of the modules")
        .isEqualTo(byModule.path("jdbc").asLong() + byModule.path("methods").asLong() + byModule.path("other").asLong());

    List<String> lines = failing.stderr.lines().toList();
    assertThat(warnings(lines, "jdbc")).as(failing.stderr).isEqualTo(1);
    assertThat(warnings(lines, "methods")).as(failing.stderr).isEqualTo(1);
    assertThat(warnings(lines, "servlet") + warnings(lines, "api")).isZero();
    assertThat(failing.stderr).doesNotContain("[DEBUG]");
    // With its stack trace: the frames follow the WARN line, the JDBC hook among them
    // (the first JDBC failure is getConnection's recording or a statement's hook).
    int at = indexOf(lines, "the jdbc instrumentation failed");
    assertThat(lines.get(at)).contains("java.lang.IllegalStateException: perfmon test fault: ");
    assertThat(lines.get(at + 1)).startsWith("\t\tat dev.perfmon.bootstrap.Faults.check");
    assertThat(String.join("\n", lines.subList(at, Math.min(lines.size(), at + 8)))).contains("\tat dev.perfmon.bootstrap.jdbc.JdbcHooks.");
    int m = indexOf(lines, "the methods instrumentation failed");
    assertThat(String.join("\n", lines.subList(m, Math.min(lines.size(), m + 6))))
        .contains("perfmon test fault: record")
        .contains("\tat dev.perfmon.bootstrap.PerfMon.record")
        .contains("\tat " + APP + ".work");
    // Nothing else logs the throwables: their message is on the two WARN lines only.
    assertThat(failing.stderr.lines().filter(l -> l.contains("perfmon test fault: ")).count()).isEqualTo(2);
    assertThat(failing.stderr).doesNotContain("Exception in thread");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void atDebugLevelMoreAreLoggedAtABoundedRate(Jdk jdk) throws Exception {
    Run failing = run(jdk, "advice,record", "debug");
    assertThat(failing.code).as(failing.describe).isZero();
    List<String> lines = failing.stderr.lines().toList();
    assertThat(warnings(lines, "jdbc")).as(failing.stderr).isEqualTo(1);
    for (String module : List.of("jdbc", "methods")) {
      long debug = lines.stream().filter(l -> l.contains("[DEBUG] perfmon - suppressed " + module + " failure: ")).count();
      // Both modules failed more than the ring holds (16) between two snapshots at most, so at
      // least 16 throwables were taken: 1 at WARN, then 10 at DEBUG and the rate limit.
      assertThat(debug).as(module + ":\n" + failing.stderr).isEqualTo(10);
      assertThat(failing.stderr).contains("10 suppressed " + module + " failures logged this minute: further ones are counted, not logged");
    }
    int d = indexOf(lines, "[DEBUG] perfmon - suppressed jdbc failure: ");
    assertThat(lines.get(d + 1)).as("with its stack trace").startsWith("\t\tat ");
  }

  private static long warnings(List<String> lines, String module) {
    return lines.stream().filter(l -> l.contains("[WARN] perfmon - the " + module + " instrumentation failed inside the application")).count();
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with '" + text + "' in:\n" + String.join("\n", lines));
  }

  record Run(Path dir, int code, String result, String stderr, String describe) {
    JsonNode lastSnapshot() {
      return AgentOutput.read(dir.resolve("stats.jsonl")).lastSnapshot();
    }
  }

  private static Run run(Jdk jdk, String faults, String level) throws Exception {
    Path dir = ForkedJvm.workDir("diag-" + (faults == null ? "none" : faults.replace(',', '-')) + "-" + level + "-" + jdk.name());
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk)
            .mainClass(DiagnosticsApp.class)
            .workDir(dir)
            .jvmArg("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider")
            .jvmArg("-Dperfmon.servlet.name-rules=no-arrow-here")
            .agent("methods=" + APP + "#work,output.file=stats.jsonl,interval=300ms,log.level=" + level);
    if (faults != null) {
      b.jvmArg("-Dperfmon.test.faults=" + faults);
    }
    try (ForkedJvm.Running jvm = b.start()) {
      int code = jvm.waitForExit(Duration.ofSeconds(60));
      Matcher m = Pattern.compile("RESULT .*").matcher(jvm.stdout());
      return new Run(dir, code, m.find() ? m.group() : "(no RESULT line)", jvm.stderr(), jvm.describe());
    }
  }
}
