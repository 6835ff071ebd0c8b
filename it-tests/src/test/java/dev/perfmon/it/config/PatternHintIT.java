package dev.perfmon.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration hints a short-lived JVM still gets: a method pattern that names a nested class
 * with a dot is reported at WARN at shutdown (the JVM lives less than {@code pattern.warn-after})
 * with the {@code $} form that names a loaded class; an {@code output.file} in a missing directory
 * is written there, and the created directory is named in one line.
 */
class PatternHintIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void anUnmatchedNestedClassPatternIsReportedAtShutdownWithTheDollarForm(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("pattern-hint-" + jdk.name());
    Path out = dir.resolve("new/sub/dir/stats.jsonl");
    assertThat(out.getParent()).doesNotExist();
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("2")
            .agent("methods=example.attach.AttachTarget.Calc#work;example.attach.AttachTarget$Calc#other,output.file=new/sub/dir/stats.jsonl")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      String err = jvm.stderr();
      assertThat(err)
          .as(err)
          .containsPattern("\\[WARN\\] perfmon - pattern 'example\\.attach\\.AttachTarget\\.Calc#work' has matched no method before the JVM exited"
              + ".*nested classes are written with '\\$'.*'example\\.attach\\.AttachTarget\\$Calc#work' names a loaded class");
      assertThat(err).doesNotContain("pattern 'example.attach.AttachTarget$Calc#other' has matched no method");
      assertThat(err.lines().filter(l -> l.contains("has matched no method")).count()).isEqualTo(1);
      assertThat(err).contains("created the directory " + out.getParent().toAbsolutePath() + " for output.file");
      assertThat(Files.isRegularFile(out)).isTrue();
      assertThat(AgentOutput.read(out).operation("example.attach.AttachTarget$Calc.other").get("count").asLong()).isPositive();
    }
  }
}
