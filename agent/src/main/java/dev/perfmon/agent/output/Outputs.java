package dev.perfmon.agent.output;

import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Keys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** The outputs a configuration asks for ({@code output}, {@code output.file}, {@code output.latest}). */
public final class Outputs {
  private Outputs() {}

  /** New outputs for {@code config}; a problem with one of them is logged, the others are made. */
  public static List<Output> of(AgentConfig config, Logger log) {
    List<Output> out = new ArrayList<>();
    for (String o : config.get(Keys.OUTPUT)) {
      if (o.equals("file")) {
        out.add(
            new FileOutput(
                Path.of(config.get(Keys.OUTPUT_FILE)),
                log,
                config.get(Keys.OUTPUT_MAX_SIZE),
                config.get(Keys.OUTPUT_MAX_FILES)));
      } else if (o.equals("log")) {
        out.add(new LogOutput(log));
      }
    }
    // isPresent/get, not ifPresent with a lambda: this runs in premain (see AgentRuntime).
    java.util.Optional<String> latestFile = config.get(Keys.OUTPUT_LATEST);
    if (latestFile.isPresent()) {
      Path latest = Path.of(latestFile.get()).toAbsolutePath().normalize();
      if (latest.equals(Path.of(config.get(Keys.OUTPUT_FILE)).toAbsolutePath().normalize())) {
        log.warn(
            "output.latest is the same file as output.file ({}): output.latest ignored, the"
                + " JSON Lines file would be replaced at every snapshot",
            latest);
      } else {
        out.add(new LatestOutput(latest, log));
      }
    }
    return out;
  }
}
