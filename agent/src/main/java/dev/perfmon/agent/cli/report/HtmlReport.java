package dev.perfmon.agent.cli.report;

import java.io.IOException;
import java.nio.file.Path;

/** {@code report --html OUT.html}: one self-contained page with charts. */
final class HtmlReport {
  private HtmlReport() {}

  static void write(Report r, Path out) throws IOException {
    throw new IOException("--html is not available yet");
  }
}
