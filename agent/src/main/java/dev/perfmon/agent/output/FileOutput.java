package dev.perfmon.agent.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;

/**
 * Appends lines to a file. The file is opened in append mode and each line goes out in one
 * {@code write} of the whole buffer, so lines from this process are never interleaved or cut by
 * other appenders; lines go straight to the operating system (no user-space buffer that a crash
 * could lose). An I/O failure is
 * logged once and the line dropped; the next write tries to reopen the file.
 */
public final class FileOutput implements Output {
  private final Path path;
  private final Logger log;
  private FileChannel channel;
  private boolean failedBefore;

  public FileOutput(Path path, Logger log) {
    this.path = path.toAbsolutePath();
    this.log = log;
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void write(byte[] line) {
    try {
      if (channel == null) {
        Path parent = path.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        channel =
            FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      }
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      failedBefore = false;
    } catch (IOException | RuntimeException e) {
      if (!failedBefore) {
        log.warn("cannot write to {}: {}", path, e.toString());
        failedBefore = true;
      }
      closeQuietly();
    }
  }

  @Override
  public String describe() {
    return "file " + path;
  }

  @Override
  public synchronized void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
      channel = null;
    }
  }
}
