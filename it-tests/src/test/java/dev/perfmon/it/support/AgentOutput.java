package dev.perfmon.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The JSON Lines file an agent wrote. Every line must parse as one JSON object (a partial line is a
 * defect and fails here).
 */
public final class AgentOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String text;
  private final List<JsonNode> lines;

  private AgentOutput(Path file, String text, List<JsonNode> lines) {
    this.file = file;
    this.text = text;
    this.lines = lines;
  }

  /** Reads and parses the whole file; fails on any line that is not a complete JSON object. */
  public static AgentOutput read(Path file) {
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      List<JsonNode> lines = new ArrayList<>();
      int n = 0;
      for (String line : text.split("\n", -1)) {
        n++;
        if (line.isEmpty()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (IOException e) {
          throw new AssertionError(file + " line " + n + " is not valid JSON: " + line, e);
        }
        if (node == null || !node.isObject() || !node.hasNonNull("type")) {
          throw new AssertionError(file + " line " + n + " is not a typed JSON object: " + line);
        }
        lines.add(node);
      }
      if (!text.isEmpty() && !text.endsWith("\n")) {
        throw new AssertionError(file + " does not end with a complete line");
      }
      return new AgentOutput(file, text, lines);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /** Polls until {@code condition} holds for the file's content; returns the last read. */
  public static AgentOutput await(Path file, Predicate<AgentOutput> condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    AgentOutput last = null;
    while (System.nanoTime() < end) {
      if (Files.exists(file)) {
        try {
          last = read(file);
          if (condition.test(last)) {
            return last;
          }
        } catch (AssertionError partialWhileWriting) {
          // a line being appended right now; read again
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("condition not met within " + timeout + " for " + file + ":\n" + (last == null ? "<no file>" : last.text));
  }

  public Path file() {
    return file;
  }

  /** The raw text of the file (for "never contains" assertions). */
  public String text() {
    return text;
  }

  public List<JsonNode> lines() {
    return lines;
  }

  /** Lines of one type ("snapshot", "instrumentation", "slow", ...). */
  public List<JsonNode> ofType(String type) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : lines) {
      if (type.equals(n.get("type").asText())) {
        out.add(n);
      }
    }
    return out;
  }

  public List<JsonNode> snapshots() {
    return ofType("snapshot");
  }

  /**
   * The median {@code intervalMs} of the scheduled snapshots: all but the first (which covers the
   * start) and the last (the final one, at exit). One interval alone says little: snapshots are
   * due at multiples of the interval, so the one after a late snapshot comes sooner. Fails when
   * there are fewer than three snapshots.
   */
  public long medianScheduledIntervalMs() {
    List<JsonNode> s = snapshots();
    if (s.size() < 3) {
      throw new AssertionError("fewer than 3 snapshots in " + file + ":\n" + text);
    }
    List<Long> intervals = new ArrayList<>();
    for (JsonNode n : s.subList(1, s.size() - 1)) {
      intervals.add(n.get("intervalMs").asLong());
    }
    intervals.sort(null);
    return intervals.get(intervals.size() / 2);
  }

  /** The last snapshot line; fails when there is none. */
  public JsonNode lastSnapshot() {
    List<JsonNode> s = snapshots();
    if (s.isEmpty()) {
      throw new AssertionError("no snapshot in " + file + ":\n" + text);
    }
    return s.get(s.size() - 1);
  }

  /** An operation of the last snapshot, or null when absent. */
  public JsonNode operation(String name) {
    return lastSnapshot().path("operations").get(name);
  }

  /** Names of the operations in the last snapshot. */
  public List<String> operationNames() {
    List<String> names = new ArrayList<>();
    lastSnapshot().path("operations").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Override
  public String toString() {
    return text;
  }

  /** Waits (60 s at most) until {@code file} exists with some content, e.g. a status file. */
  public static String awaitNonEmpty(Path file) throws InterruptedException, java.io.IOException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (java.nio.file.Files.isRegularFile(file)) {
        String s = java.nio.file.Files.readString(file);
        if (!s.isBlank()) {
          return s;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no content in " + file + " within 60 s");
  }
}
