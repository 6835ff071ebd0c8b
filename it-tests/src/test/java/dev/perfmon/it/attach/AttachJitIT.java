package dev.perfmon.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.JitWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a first attach costs the target's JIT-compiled code, counted with {@code
 * -XX:+PrintCompilation} ("made not entrant" lines). Before Java 23 (JDK-8324241) HotSpot deoptimises
 * every compiled method at the first retransformation after a dynamic attach, unless an agent
 * with the redefinition capabilities was there from start-up: on Java 17 the CLI warns before it
 * attaches, and a JVM started with {@code -javaagent:perfmon-agent.jar=enabled=false} avoids the
 * cost (no warning). Java 25 keeps its compiled code either way.
 */
class AttachJitIT {
  private static final String METHOD = "example.attach.JitWorkload$Step#next";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aFirstAttachDiscardsCompiledCodeOnlyWhereTheCliWarnsOfIt(Jdk jdk) throws Exception {
    Discarded plain = attach(jdk, false, false);
    Discarded prepared = attach(jdk, true, false);
    boolean affected = jdk.feature() < 23;

    assertThat(plain.compiledBefore).as("the workload was JIT-compiled before the attach").isGreaterThan(200);
    if (affected) {
      assertThat(plain.cli.err()).as(plain.cli.toString()).contains("warning: on Java " + jdk.feature()).contains("JDK-8324241");
      assertThat(plain.discarded)
          .as("compiled methods discarded by the attach (%d of %d)", plain.discarded, plain.compiledBefore)
          .isGreaterThan(plain.compiledBefore / 2);
    } else {
      assertThat(plain.cli.err()).doesNotContain("JDK-8324241");
      assertThat(plain.discarded)
          .as("compiled methods discarded by the attach (%d of %d)", plain.discarded, plain.compiledBefore)
          .isLessThan(plain.compiledBefore / 5);
    }
    assertThat(prepared.cli.err()).as("an agent was there from start-up: nothing to warn of").doesNotContain("JDK-8324241");
    assertThat(prepared.discarded)
        .as("with the agent loaded at start-up (%d of %d)", prepared.discarded, prepared.compiledBefore)
        .isLessThan(prepared.compiledBefore / 5);

    if (affected) {
      Discarded quiet = attach(jdk, false, true);
      assertThat(quiet.cli.err()).as("--no-jit-warning").doesNotContain("JDK-8324241");
      assertThat(quiet.cli.code()).isZero();
    }
  }

  /** What the CLI said; compiled methods alive before the attach; how many of them it discarded. */
  record Discarded(Cli cli, long compiledBefore, long discarded) {}

  private static Discarded attach(Jdk jdk, boolean agentAtStartUp, boolean noWarning) throws Exception {
    Path dir = ForkedJvm.workDir("jit-" + jdk.name());
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk).mainClass(JitWorkload.class).workDir(dir).jvmArg("-XX:+PrintCompilation").args("60000");
    if (agentAtStartUp) {
      b.agent("enabled=false");
    }
    try (ForkedJvm.Running jvm = b.start()) {
      // Warm: wait until compilation has calmed down (no new compilation for two seconds).
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int last = -1;
      int calm = 0;
      while (System.nanoTime() < deadline && calm < 2) {
        Thread.sleep(1_000);
        int now = compilations(jvm.stdout()).size();
        calm = now > 200 && now == last ? calm + 1 : 0;
        last = now;
      }
      String before = jvm.stdout();
      java.util.Set<String> live = new java.util.HashSet<>(compilations(before));
      live.removeAll(discardedIds(before));
      String pid = Long.toString(jvm.pid());
      String out = dir.resolve("stats.jsonl").toString();
      Cli cli =
          noWarning
              ? AttachIT.cli(jdk, "attach", pid, "--no-jit-warning", "methods=" + METHOD, "instrument.servlet=false", "instrument.jdbc=false", "output.file=" + out)
              : AttachIT.cli(jdk, "attach", pid, "methods=" + METHOD, "instrument.servlet=false", "instrument.jdbc=false", "output.file=" + out);
      assertThat(cli.code()).as(cli.toString()).isZero();
      Thread.sleep(2_000);
      java.util.Set<String> gone = discardedIds(jvm.stdout());
      gone.retainAll(live);
      return new Discarded(cli, live.size(), gone.size());
    }
  }

  /** Compile ids of every compilation printed by -XX:+PrintCompilation. */
  private static List<String> compilations(String printed) {
    return printed.lines().filter(l -> l.contains("::") && !l.contains("made not entrant")).map(AttachJitIT::compileId).toList();
  }

  /** Compile ids whose code was made not entrant (discarded). */
  private static java.util.Set<String> discardedIds(String printed) {
    return printed
        .lines()
        .filter(l -> l.contains("made not entrant"))
        .map(AttachJitIT::compileId)
        .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
  }

  /** The second column of a PrintCompilation line: the compile id. */
  private static String compileId(String line) {
    String[] cols = line.trim().split("\\s+", -1);
    return cols.length > 1 ? cols[1] : "";
  }
}
