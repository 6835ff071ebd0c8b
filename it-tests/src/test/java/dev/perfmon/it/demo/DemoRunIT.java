package dev.perfmon.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.ForkedJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer sees first: {@code demo/run.sh} (its Maven step run for real with the goal
 * {@code validate}, the jars of this build, a 3-second run and the summary) prints no terminal
 * escape codes, and the version the agent prints is the one the README and the docs show.
 */
class DemoRunIT {
  private static Path root() {
    return ForkedJvm.agentJar().getParent().getParent().getParent();
  }

  @Test
  void demoRunPrintsNoTerminalEscapeCodes() throws Exception {
    Path root = root();
    assertThat(root.resolve("demo/target/perfmon-demo.jar")).as("the demo is built before it-tests").exists();
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("demo/run.sh").toString(), "3")
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("PERFMON_DEMO_BUILD_GOALS", "validate");
    pb.environment().put("TERM", "xterm-256color"); // as in a user's terminal
    Path out = Files.createTempFile("demo-run", ".out");
    Path err = Files.createTempFile("demo-run", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("demo/run.sh finished").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    String both = "--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
    assertThat(p.exitValue()).as(both).isZero();
    assertThat(stdout).as(both).contains("The last one, summarised:").containsPattern("operation\\s+count\\s+errors");
    assertThat(both.indexOf('\u001b')).as("an escape character in:\n" + both).isEqualTo(-1);
    assertThat(stderr).as(both).contains("perfmon " + version() + " started");
  }

  @Test
  void theReadmeAndTheDocsShowTheVersionTheAgentPrints() throws Exception {
    String version = version();
    assertThat(version).matches("\\d+\\.\\d+\\.\\d+.*");
    Pattern shown = Pattern.compile("perfmon(?:-agent)? (\\d+\\.\\d+\\.\\d+[\\w.-]*)");
    List<String> wrong = new ArrayList<>();
    List<Path> pages = new ArrayList<>();
    pages.add(root().resolve("README.md"));
    try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
      docs.filter(f -> f.toString().endsWith(".md")).forEach(pages::add);
    }
    int found = 0;
    for (Path page : pages) {
      Matcher m = shown.matcher(Files.readString(page, StandardCharsets.UTF_8));
      while (m.find()) {
        found++;
        if (!m.group(1).equals(version)) {
          wrong.add(root().relativize(page) + ": " + m.group());
        }
      }
    }
    assertThat(found).as("the README shows the version at least once").isPositive();
    assertThat(wrong).as("examples that show another version than " + version).isEmpty();
  }

  private static String version() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        ForkedJvm.agentJar().toString(), "version").start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(text).startsWith("perfmon-agent ");
    return text.substring("perfmon-agent ".length());
  }
}
