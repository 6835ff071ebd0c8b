package dev.perfmon.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reading a perfmon JSON Lines file as the command-line tools do: line by line (a file of any size
 * is read with a small heap), only the {@code snapshot} lines, and a failure described in one line
 * that names the path once.
 */
final class SnapshotFile {
  static final String SNAPSHOT_PREFIX = "{\"type\":\"snapshot\"";

  /** The fields every snapshot the agent writes has; a line without them is not a perfmon snapshot. */
  static final String[] REQUIRED = {"timestamp", "pid", "uptimeMs", "operations"};

  private SnapshotFile() {}

  /** Receives each snapshot line, with its 1-based line number, while the file is read. */
  interface LineConsumer {
    void accept(String line, long lineNumber);
  }

  /** Opens {@code file} for reading as UTF-8. */
  static BufferedReader open(Path file) throws IOException {
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  /** Calls {@code consumer} for every line that starts as a snapshot, in file order, one line in memory at a time. */
  static void eachSnapshotLine(Path file, LineConsumer consumer) throws IOException {
    try (BufferedReader in = open(file)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.startsWith(SNAPSHOT_PREFIX)) {
          consumer.accept(line, n);
        }
      }
    }
  }

  /** One line, without the "perfmon: " prefix, for a file that could not be read; names the path once. */
  static String describe(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no file " + file + " (is the path right? the agent writes output.file, perfmon-stats.jsonl by default)";
    }
    if (e instanceof AccessDeniedException) {
      return "cannot read " + file + ": permission denied";
    }
    if (e instanceof FileSystemException fse) {
      String reason = fse.getReason();
      return "cannot read " + file + ": " + (reason == null ? fse.getClass().getSimpleName() : reason);
    }
    return "cannot read " + file + ": " + firstLine(e.getMessage());
  }

  /** The first line of a message (Jackson's messages go on with the location on a second line). */
  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  /** The required fields a parsed snapshot lacks, comma-separated, or null when it has them all. */
  static String missingFields(Map<String, Object> snapshot) {
    StringBuilder missing = new StringBuilder();
    for (String k : REQUIRED) {
      if (!snapshot.containsKey(k)) {
        missing.append(missing.length() == 0 ? "" : ", ").append('\'').append(k).append('\'');
      }
    }
    return missing.length() == 0 ? null : missing.toString();
  }
}
