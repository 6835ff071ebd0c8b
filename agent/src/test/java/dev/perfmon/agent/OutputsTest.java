package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.agent.output.FileOutput;
import dev.perfmon.agent.output.LatestOutput;
import dev.perfmon.agent.output.Output;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs a configuration gives: the file (rotating) and the latest-snapshot file. */
class OutputsTest {
  @TempDir Path dir;

  private List<Output> outputs(String args, CapturingLogger log) {
    AgentConfig c = ConfigLoader.load(args, Map.of(), Map.of(), null);
    assertThat(c.problems()).isEmpty();
    return dev.perfmon.agent.output.Outputs.of(c, log);
  }

  @Test
  void latestIsAddedNextToTheFileAndEvenWithoutIt() {
    Path file = dir.resolve("a.jsonl");
    Path latest = dir.resolve("latest.json");
    CapturingLogger log = new CapturingLogger();
    List<Output> outs = outputs("output.file=" + file + ",output.latest=" + latest, log);
    assertThat(outs).hasSize(2);
    assertThat(outs.get(0)).isInstanceOf(FileOutput.class);
    assertThat(((LatestOutput) outs.get(1)).path()).isEqualTo(latest);
    assertThat(outputs("output=none,output.latest=" + latest, log)).singleElement().isInstanceOf(LatestOutput.class);
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void latestNamingTheJsonLinesFileIsRefusedWithOneWarning() {
    Path file = dir.resolve("a.jsonl");
    CapturingLogger log = new CapturingLogger();
    List<Output> outs = outputs("output.file=" + file + ",output.latest=" + dir.resolve("x/../a.jsonl"), log);
    assertThat(outs).singleElement().isInstanceOf(FileOutput.class);
    assertThat(log.at("WARN")).singleElement().asString().startsWith("output.latest is the same file as output.file");
  }
}
