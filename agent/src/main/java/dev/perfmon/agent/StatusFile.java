package dev.perfmon.agent;

import dev.perfmon.agent.monitor.SnapshotJson;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A small JSON file, {@code /tmp/.perfmon-<pid>.json}, that tells the command-line tool that
 * perfmon runs in this JVM, its version, configuration, output and last attach result, without
 * attaching to it. Written atomically (temporary file and rename), readable by the JVM's user and
 * root only, deleted on detach and at exit. Next to the JVM's own attach socket
 * ({@code /tmp/.java_pid<pid>}), so the CLI finds it the same way, also inside containers.
 */
final class StatusFile {
  /** What the status file says. */
  record State(
      String version,
      Instant startedAt,
      boolean attached,
      int generation,
      String lastChange,
      long lastChangeMillis,
      int retransformed,
      long transformErrors,
      List<String> problems,
      Map<String, String> config,
      List<String> outputs,
      int operations,
      String http) {}

  /** Resolved on first use (on the snapshot thread): {@code ProcessHandle} costs some start-up. */
  private Path file;

  private Path file() {
    if (file == null) {
      file = Path.of("/tmp").resolve(".perfmon-" + ProcessHandle.current().pid() + ".json");
    }
    return file;
  }

  private boolean deleted;

  /**
   * Writes the state. Serialised on this object (never on the runtime: the snapshot thread calls
   * this); after {@link #delete()} it writes nothing, so a late snapshot cannot resurrect the file.
   */
  synchronized void write(State s) {
    Path file = file();
    if (deleted || !Files.isDirectory(file.getParent())) {
      return;
    }
    byte[] line =
        SnapshotJson.line(
            new SnapshotJson.Body() { // not a lambda: see AgentRuntime
              @Override
              public void write(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
                g.writeStringField("type", "status");
                g.writeStringField("version", s.version());
                g.writeNumberField("pid", ProcessHandle.current().pid());
                g.writeStringField("startedAt", s.startedAt().toString());
                g.writeBooleanField("attached", s.attached());
                g.writeNumberField("generation", s.generation());
                g.writeStringField("lastChange", s.lastChange());
                g.writeNumberField("lastChangeMs", s.lastChangeMillis());
                g.writeNumberField("retransformedClasses", s.retransformed());
                g.writeNumberField("transformErrors", s.transformErrors());
                g.writeNumberField("operations", s.operations());
                g.writeArrayFieldStart("outputs");
                for (String o : s.outputs()) {
                  g.writeString(o);
                }
                g.writeEndArray();
                if (!s.http().isEmpty()) {
                  g.writeStringField("http", s.http());
                }
                g.writeArrayFieldStart("problems");
                for (String p : s.problems()) {
                  g.writeString(p);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("config");
                for (Map.Entry<String, String> e : s.config().entrySet()) {
                  g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
              }
            });
    try {
      Path tmp = BootstrapInjector.newFile(file.getParent(), ".perfmon-", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the default permissions of temp files apply
      }
      Files.write(tmp, line);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      // The status file is a convenience for the CLI; monitoring goes on without it.
    }
  }

  synchronized void delete() {
    deleted = true;
    try {
      Files.deleteIfExists(file());
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
