package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.AgentErrors;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SuppressedErrorsTest {
  private final CapturingLogger log = new CapturingLogger();
  private final AtomicLong now = new AtomicLong(1_000_000);

  @BeforeEach
  void emptyRings() {
    Throwable[] into = new Throwable[AgentErrors.RING_SIZE];
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      AgentErrors.drain(m, into);
    }
  }

  private static long count(List<String> lines, String text) {
    return lines.stream().filter(l -> l.contains(text)).count();
  }

  @Test
  void firstFailureOfEachModuleAtWarnWithItsStackTraceThenDebugAtABoundedRate() {
    SuppressedErrors errors = new SuppressedErrors(log, now::get);
    errors.report();
    assertThat(log.lines()).as("nothing failed").isEmpty();

    AgentErrors.adviceError(AgentErrors.JDBC, new IllegalStateException("jdbc broke"));
    AgentErrors.adviceError(AgentErrors.API, new IllegalArgumentException("api broke"));
    errors.report();
    List<String> warn = log.at("WARN");
    assertThat(warn).hasSize(2);
    assertThat(warn.get(0))
        .startsWith("the jdbc instrumentation failed inside the application")
        .contains("agent.suppressedByModule.jdbc")
        .contains("java.lang.IllegalStateException: jdbc broke\n\t\tat dev.perfmon.agent.SuppressedErrorsTest.");
    assertThat(warn.get(1)).startsWith("the api instrumentation failed").contains("api broke");
    assertThat(log.at("DEBUG")).isEmpty();

    // Later failures: at debug, with their traces, at most 10 a minute per module.
    for (int i = 0; i < 14; i++) {
      AgentErrors.adviceError(AgentErrors.JDBC, new IllegalStateException("again " + i));
    }
    errors.report();
    assertThat(log.at("WARN")).as("the WARN is once per module").hasSize(2);
    List<String> debug = log.at("DEBUG");
    assertThat(count(debug, "suppressed jdbc failure: java.lang.IllegalStateException: again ")).isEqualTo(10);
    assertThat(count(debug, "10 suppressed jdbc failures logged this minute")).isEqualTo(1);

    AgentErrors.adviceError(AgentErrors.JDBC, new IllegalStateException("still within the minute"));
    errors.report();
    assertThat(log.at("DEBUG")).hasSize(debug.size());

    // A minute later the dropped ones are summed up and logging resumes.
    now.addAndGet(60_000);
    AgentErrors.adviceError(AgentErrors.JDBC, new IllegalStateException("next minute"));
    errors.report();
    List<String> later = log.at("DEBUG").subList(debug.size(), log.at("DEBUG").size());
    assertThat(later.get(0)).isEqualTo("5 more suppressed jdbc failures were not logged (at most 10 lines a minute)");
    assertThat(later.get(1)).startsWith("suppressed jdbc failure: java.lang.IllegalStateException: next minute");
  }

  @Test
  void failuresOverwrittenInTheRingAreCountedAsNotLogged() {
    SuppressedErrors errors = new SuppressedErrors(log, now::get);
    for (int i = 0; i < AgentErrors.RING_SIZE + 4; i++) {
      AgentErrors.adviceError(AgentErrors.OTHER, new IllegalStateException("x" + i));
    }
    errors.report();
    // 16 taken: 1 WARN, 10 DEBUG, 5 over the limit; 4 never seen.
    assertThat(count(log.at("WARN"), "the other instrumentation failed")).isEqualTo(1);
    assertThat(count(log.at("DEBUG"), "suppressed other failure: ")).isEqualTo(10);
    now.addAndGet(60_000);
    errors.report();
    assertThat(log.at("DEBUG")).contains("9 more suppressed other failures were not logged (at most 10 lines a minute)");
  }

  @Test
  void longTracesAreCutAndCausesKept() {
    Throwable deep = recurse(200);
    String trace = SuppressedErrors.stackTrace(new RuntimeException("outer", deep));
    assertThat(trace).startsWith("java.lang.RuntimeException: outer");
    assertThat(trace).contains("\n\tCaused by: java.lang.IllegalStateException: deep");
    assertThat(trace.lines().filter(l -> l.startsWith("\t\tat ")).count()).isEqualTo(SuppressedErrors.MAX_FRAMES);
    assertThat(trace).containsPattern("\t\t\\.\\.\\. \\d+ more frames");
  }

  private static Throwable recurse(int depth) {
    return depth == 0 ? new IllegalStateException("deep") : recurse(depth - 1);
  }
}
