package dev.perfmon.agent.output;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Outputs for tests: one that drops every line, and one that keeps them as text. */
public final class TestOutputs {
  /** Drops every line. */
  public static final Output NONE = collecting(null);

  private TestOutputs() {}

  /** Adds every line, as UTF-8 text, to {@code lines} (drops them when null). */
  public static Output collecting(List<String> lines) {
    return new Output() {
      @Override
      public void write(byte[] line) {
        if (lines != null) {
          lines.add(new String(line, StandardCharsets.UTF_8));
        }
      }

      @Override
      public String describe() {
        return lines == null ? "none" : "test";
      }

      @Override
      public void close() {}
    };
  }
}
