package dev.perfmon.agent.output;

import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/** Logs each line at INFO through the agent's own (shaded) logger. */
public final class LogOutput implements Output {
  private final Logger log;

  public LogOutput(Logger log) {
    this.log = log;
  }

  @Override
  public void write(byte[] line) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
    }
    log.info(new String(line, 0, end, StandardCharsets.UTF_8));
  }

  @Override
  public String describe() {
    return "log";
  }

  @Override
  public void close() {}
}
