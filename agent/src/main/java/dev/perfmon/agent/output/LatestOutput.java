package dev.perfmon.agent.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;

/**
 * {@code output.latest}: a file that holds only the latest snapshot, pretty-printed, for tools that
 * only want "now". Each snapshot line is re-indented (numbers are copied as written, not
 * re-formatted) into a temporary file in the same directory, which is then renamed over the file
 * with {@code ATOMIC_MOVE}: a reader sees the previous snapshot or the new one, never a part.
 * Event lines ({@code slow}, {@code memory-warning}, {@code instrumentation}) are ignored.
 *
 * <p>One WARN when writing starts failing, one INFO when it works again. Called on the agent's own
 * threads only (under the monitor's write lock); synchronized anyway.
 */
public final class LatestOutput implements Output {
  private static final JsonFactory JSON = dev.perfmon.agent.monitor.SnapshotJson.FACTORY;
  private static final byte[] SNAPSHOT_PREFIX =
      "{\"type\":\"snapshot\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Path path;
  private final Path tmp;
  private final Logger log;
  private boolean failing;
  private boolean atomicUnsupported;

  public LatestOutput(Path path, Logger log) {
    this.path = path.toAbsolutePath();
    this.tmp =
        this.path.resolveSibling(
            "." + this.path.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    this.log = log;
  }

  public Path path() {
    return path;
  }

  /** True for a snapshot line (the agent writes {@code "type":"snapshot"} first). */
  static boolean isSnapshot(byte[] line) {
    if (line.length < SNAPSHOT_PREFIX.length) {
      return false;
    }
    for (int i = 0; i < SNAPSHOT_PREFIX.length; i++) {
      if (line[i] != SNAPSHOT_PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public synchronized void write(byte[] line) {
    if (!isSnapshot(line)) {
      return;
    }
    try {
      byte[] pretty = pretty(line);
      Path parent = path.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (FileChannel c =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(pretty);
        while (b.hasRemaining()) {
          c.write(b);
        }
      }
      move();
      if (failing) {
        failing = false;
        log.info("writing {} works again", path);
      }
    } catch (IOException | RuntimeException e) {
      if (!failing) {
        failing = true;
        log.warn(
            "cannot write the latest snapshot to {}: {}; trying again at every snapshot",
            path,
            e.toString());
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException | RuntimeException ignored) {
        // nothing more to do
      }
    }
  }

  private void move() throws IOException {
    if (!atomicUnsupported) {
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return;
      } catch (AtomicMoveNotSupportedException e) {
        atomicUnsupported = true;
        log.warn(
            "the file system of {} cannot rename atomically; the latest snapshot is replaced"
                + " non-atomically (a reader may briefly find no file)",
            path);
      }
    }
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * The line re-indented with two spaces per level, ending in a newline. Numbers and strings are
   * copied as written (no float re-formatting).
   */
  static byte[] pretty(byte[] line) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(line.length * 2);
    try (JsonParser p = JSON.createParser(line);
        JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT -> g.writeStartObject();
          case END_OBJECT -> g.writeEndObject();
          case START_ARRAY -> g.writeStartArray();
          case END_ARRAY -> g.writeEndArray();
          case FIELD_NAME -> g.writeFieldName(p.currentName());
          case VALUE_STRING -> g.writeString(p.getText());
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> g.writeNumber(p.getText());
          case VALUE_TRUE -> g.writeBoolean(true);
          case VALUE_FALSE -> g.writeBoolean(false);
          case VALUE_NULL -> g.writeNull();
          default -> throw new IOException("unexpected JSON token " + t);
        }
      }
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public String describe() {
    return "latest " + path;
  }

  @Override
  public void close() {}
}
