package dev.perfmon.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.config.LoopApp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed configuration as the agent meets it in a real JVM: a UTF-8 file with a byte-order mark
 * and a Latin-1 byte in a comment, plus one bad value in each of the four sources. Each problem is
 * exactly one WARN line on stderr with the exact message, and every other value applies (the
 * file's interval and methods, the agent argument's output file). And {@code status} run by
 * another user says it cannot read the status file instead of "not attached".
 */
class ConfigRobustnessIT {
  private static final String WORK = "example.config.LoopApp$Work";
  private static final String WARN = "[WARN] perfmon - ";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void bomAndANonUtf8ByteAndOneBadValuePerSourceGiveOneLineEachAndTheRestApplies(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("robust-" + jdk.name());
    Path file = dir.resolve("agent.properties");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}); // BOM: interval must still be 'interval'
    bytes.write("interval=300ms\n".getBytes(StandardCharsets.UTF_8));
    bytes.write("# settings for the caf\u00e9 service\n".getBytes(StandardCharsets.ISO_8859_1)); // 0xE9
    bytes.write(("methods=" + WORK + "#alpha\n").getBytes(StandardCharsets.UTF_8));
    bytes.write("jdbc.name-mode=table\n".getBytes(StandardCharsets.UTF_8));
    Files.write(file, bytes.toByteArray());

    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("output.file=out.jsonl,max-operations=lots")
            .jvmArg("-Dperfmon.log.level=loud")
            .env("PERFMON_JDBC_MAX_SQL_LENGTH", "5")
            .args("3000")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      List<String> warnings = new ArrayList<>();
      for (String line : jvm.stderr().lines().toList()) {
        int at = line.indexOf(WARN);
        if (at >= 0) {
          warnings.add(line.substring(at + WARN.length()));
        }
      }
      String fromFile = "file " + file.toRealPath();
      assertThat(warnings)
          .as(jvm.describe())
          .containsExactlyInAnyOrder(
              "invalid value 'lots' for key 'max-operations' (from agent argument): expected an integer"
                  + " from 1 to 60000; using default 2000",
              "invalid value 'loud' for key 'log.level' (from system property perfmon.log.level):"
                  + " expected one of error, warn, info, debug; using default info",
              "invalid value '5' for key 'jdbc.max-sql-length' (from environment variable"
                  + " PERFMON_JDBC_MAX_SQL_LENGTH): expected an integer from 20 to 100000; using default"
                  + " 300",
              "invalid value 'table' for key 'jdbc.name-mode' (from " + fromFile + "): expected one of"
                  + " normalized, verb-table; using default normalized",
              "configuration file '" + file.toRealPath() + "' line 2 is not valid UTF-8 (byte 0xE9);"
                  + " the comment is ignored, the other lines apply (save the file as UTF-8; a"
                  + " byte-order mark is allowed)");

      // The rest applied: the agent argument's output file, the file's interval and methods.
      long calls = calls(jvm);
      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      assertThat(dir.resolve("perfmon-stats.jsonl")).doesNotExist();
      assertThat(out.operation(WORK + ".alpha").get("count").asLong()).isEqualTo(calls);
      // interval=300ms from the file, not the default 60s (generous bounds for a loaded machine).
      // One interval alone can be shorter: snapshots are due at multiples of the interval, so the
      // one after a late snapshot (the first one, while the application starts) comes sooner.
      assertThat(out.snapshots().size()).as("interval=300ms from the file over 3 s").isGreaterThanOrEqualTo(3);
      assertThat(out.medianScheduledIntervalMs()).as(out.text()).isBetween(200L, 5000L);
    }
  }

  /**
   * The agent writes its status file readable by its own user only; root's JVM, {@code status} as
   * nobody. Before: "perfmon is not attached" (exit 0), although it ran.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void statusRunByAnotherUserSaysItCannotReadTheStatusFile(Jdk jdk) throws Exception {
    boolean root = Files.readString(Path.of("/proc/self/status")).matches("(?s).*\\nUid:\\s+0\\s.*");
    Assumptions.assumeTrue(root, "needs root (as in CI): a JVM of root and a CLI of another user");
    Path dir = ForkedJvm.workDir("status-user-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("interval=200ms,output.file=out.jsonl,methods=" + WORK + "#alpha")
            .args("120000")
            .start()) {
      Path status = Path.of("/tmp/.perfmon-" + jvm.pid() + ".json");
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(status) && System.nanoTime() < end && jvm.process().isAlive()) {
        Thread.sleep(100);
      }
      assertThat(status).as(jvm.describe()).exists();

      String[] asRoot = cli(jdk, List.of(), "status", Long.toString(jvm.pid()));
      assertThat(asRoot[0]).as(asRoot[1] + asRoot[2]).isEqualTo("0");
      // A -javaagent start is "running", never "attached".
      assertThat(asRoot[1]).contains(": perfmon ").contains(" running").contains("(-javaagent)")
          .doesNotContain("not running").doesNotContain(" attached");

      String[] asNobody =
          cli(jdk, List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), "status", Long.toString(jvm.pid()));
      assertThat(asNobody[0]).as(asNobody[1] + asNobody[2]).isEqualTo("1");
      assertThat(asNobody[1]).as("nothing on stdout").isEmpty();
      assertThat(asNobody[2].strip())
          .isEqualTo(
              "perfmon: cannot read the status file "
                  + status
                  + " of process "
                  + jvm.pid()
                  + " (it belongs to root and only that user and root may read it), so whether"
                  + " perfmon runs there is unknown; run this command as root");
    }
  }

  /** Runs the CLI ({@code java -jar perfmon-agent.jar ...}) through {@code launcher}: exit code, stdout, stderr. */
  private static String[] cli(Jdk jdk, List<String> launcher, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add(jdk.java().toString());
    cmd.add("-XX:-UsePerfData");
    cmd.add("-jar");
    cmd.add(ForkedJvm.agentJar().toString());
    cmd.addAll(List.of(args));
    Path tmp = Path.of("/tmp");
    Path out = Files.createTempFile(ForkedJvm.workDir("cli"), "out", ".txt");
    Path err = Files.createTempFile(out.getParent(), "err", ".txt");
    Process p =
        new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    return new String[] {
      Integer.toString(p.exitValue()),
      Files.readString(out, StandardCharsets.UTF_8),
      Files.readString(err, StandardCharsets.UTF_8)
    };
  }

  private static long calls(ForkedJvm.Running jvm) {
    Matcher m = Pattern.compile("CALLS (\\d+)").matcher(jvm.stdout());
    assertThat(m.find()).as(jvm.describe()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
