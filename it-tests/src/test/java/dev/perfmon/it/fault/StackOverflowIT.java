package dev.perfmon.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.fault.StackApp;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application that runs out of stack inside woven code, 65 times, at every depth (threads with
 * 64 different stack sizes; the first call of any woven method at the bottom of the main thread's
 * stack; a woven class first loaded from 0 to 400 frames above the bottom) and catches the {@code
 * StackOverflowError}, as recursive parsers and interpreters do. Without the fixes the JVM printed
 * {@code java.lang.instrument ASSERTION FAILED}, the application got {@code NoClassDefFoundError:
 * Could not initialize class dev.perfmon.bootstrap.AgentErrors} instead of its {@code
 * StackOverflowError}, and no snapshot was ever written again.
 */
class StackOverflowIT {
  private static final String APP = "example.fault.StackApp$";
  private static final String TRIALS = "64";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theApplicationSeesExactlyItsOwnStackOverflowsAndTheAgentKeepsWorking(Jdk jdk) throws Exception {
    Run without = run(jdk, false);
    Run with = run(jdk, true);

    assertThat(without.result).as(without.describe).contains("overflowed=65 other=[]");
    assertThat(with.result)
        .as("every trial ends in the application's own StackOverflowError, nothing else")
        .isEqualTo(without.result);
    assertThat(with.stderr)
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("Could not initialize")
        .doesNotContain("ExceptionInInitializerError")
        .doesNotContain("[ERROR]");

    AgentOutput out = AgentOutput.read(with.dir.resolve("stats.jsonl"));
    JsonNode after = out.operation(APP + "Rec.after");
    assertThat(after).as(with.describe).isNotNull();
    assertThat(after.get("count").asLong()).as("recording still exact afterwards").isEqualTo(1000);
    assertThat(after.get("errorCount").asLong()).isZero();
    JsonNode down = out.operation(APP + "Rec.down");
    assertThat(down.get("errorCount").asLong()).as("the recursion's calls that ended in the error").isPositive();
    // Whether the overflow ever strikes inside the advice depends on the JIT: where the recording is
    // compiled into the woven method, the stack check at the method's entry covers it, and every
    // frame's call is recorded (Java 25 with the agent in its own class loader: no failure in 65
    // trials; Java 17: a few hundred). What did fail inside advice was counted, under the module of
    // the only woven code here; FaultInjectionIT proves the counting with failures it injects.
    JsonNode agentSection = out.lastSnapshot().get("agent");
    assertThat(agentSection.get("suppressedErrors").asLong())
        .as("failures inside advice, all in the methods module")
        .isEqualTo(agentSection.get("suppressedByModule").get("methods").asLong());

    // Every copy of Lazy that the application could load was instrumented in the end: at load
    // time, or, when it was loaded too close to the end of a stack, afterwards on the agent's
    // thread. The only exception is a class whose loading left the JVM itself no stack to call the
    // agent's transformer at all; the JVM says so with one "ASSERTION FAILED" line per class.
    Matcher lazy = Pattern.compile("LAZY calls=(\\d+) unloadable=(\\d+)").matcher(with.stdout);
    assertThat(lazy.find()).as(with.describe).isTrue();
    long lazyCalls = Long.parseLong(lazy.group(1));
    long jvmRefusals = with.stderr.lines().filter(l -> l.contains("ASSERTION FAILED")).count();
    JsonNode hit = out.operation(APP + "Lazy.hit");
    assertThat(hit).as(with.describe).isNotNull();
    assertThat(hit.get("count").asLong())
        .as("calls of Lazy.hit after the agent caught up (%d JVM refusals)", jvmRefusals)
        .isGreaterThanOrEqualTo(lazyCalls - jvmRefusals);
    assertThat(jvmRefusals).as("rare: the JVM could not even enter the transformer").isLessThan(16);
  }

  /**
   * JDBC calls nested in one another (an H2 function querying again) until the stack is gone, on
   * threads of eight stack sizes; afterwards each thread runs 100 plain queries. The outermost
   * statement of each dive is timed once, and every plain query after the overflow is timed: the
   * per-thread depth counter came back to zero (the exit advice decrements it without a call).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void nestedJdbcCallsThatRunOutOfStackLeaveTheDepthBalanced(Jdk jdk) throws Exception {
    Run without = run(jdk, false, example.fault.JdbcStackApp.class, "8");
    Run with = run(jdk, true, example.fault.JdbcStackApp.class, "8");
    assertThat(without.result).isEqualTo("RESULT trials=8 overflowed=8");
    assertThat(with.result).isEqualTo(without.result);
    assertThat(with.stdout).contains("PLAIN 800");
    assertThat(with.stderr).doesNotContain("NoClassDefFoundError").doesNotContain("[ERROR]");
    AgentOutput out = AgentOutput.read(with.dir.resolve("stats.jsonl"));
    JsonNode plain = out.operation("jdbc.SELECT ? + ?");
    assertThat(plain).as(with.describe).isNotNull();
    assertThat(plain.get("count").asLong()).as("every plain query after the overflows").isEqualTo(800);
    assertThat(plain.get("errorCount").asLong()).isZero();
    JsonNode dive = out.operation("jdbc.SELECT DIVE(?)");
    assertThat(dive.get("count").asLong()).as("each dive timed once, at its outermost statement").isEqualTo(8);
    assertThat(dive.get("errorCount").asLong()).isEqualTo(8);
  }

  record Run(java.nio.file.Path dir, String result, String stdout, String stderr, String describe) {}

  private static Run run(Jdk jdk, boolean agent) throws Exception {
    return run(jdk, agent, StackApp.class, TRIALS, "2500");
  }

  private static Run run(Jdk jdk, boolean agent, Class<?> main, String... args) throws Exception {
    java.nio.file.Path dir = ForkedJvm.workDir("stack-" + jdk.name());
    ForkedJvm.Builder b = ForkedJvm.builder(jdk).mainClass(main).workDir(dir).args(args);
    if (agent) {
      b.agent("interval=500ms,slow.threshold=1h,output.file=stats.jsonl,methods=" + APP + "Rec;" + APP + "Lazy");
    }
    try (ForkedJvm.Running jvm = b.start()) {
      int code = jvm.waitForExit(Duration.ofMinutes(2));
      assertThat(code).as(jvm.describe()).isZero();
      Matcher m = Pattern.compile("RESULT .*").matcher(jvm.stdout());
      assertThat(m.find()).as(jvm.describe()).isTrue();
      return new Run(dir, m.group(), jvm.stdout(), jvm.stderr(), jvm.describe());
    }
  }
}
