package dev.perfmon.agent.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;

/**
 * Appends lines to a file, keeping every line whole or absent.
 *
 * <ul>
 *   <li>The file is opened in append mode ({@code O_APPEND}) and each line goes out in one {@code
 *       write} of the whole buffer, so lines are never interleaved with other appenders, and a file
 *       truncated under us (logrotate's {@code copytruncate}) is written from its new end: no hole of
 *       NUL bytes. Lines go straight to the operating system (no user-space buffer that a crash
 *       could lose).
 *   <li>Before each write the path is looked up ({@code stat}, and {@code fstat} of the open
 *       file): when the file was deleted, moved away (logrotate's {@code create}) or replaced, or
 *       its directory removed, the path is opened (and created) again, with one INFO line, instead
 *       of writing on into a file nobody sees.
 *   <li>A short or failed write (a full file system) is cut back to the last whole line, so the
 *       next line never continues a fragment; when the cut fails, the next write first ends the
 *       fragment with a newline. Each line not written is counted ({@link #lostLines()}, reported
 *       in the snapshots' agent section). One WARN when writing starts failing, one INFO when it
 *       works again.
 * </ul>
 *
 * <p>Thread-safe: {@link #write} is synchronized, so lines from the snapshot thread and the event
 * threads never interleave. A write costs a {@code stat}, an {@code fstat} and a {@code write}
 * system call and allocates the stat's attributes object: writes happen once per interval or per event.
 */
public final class FileOutput implements Output {
  private static final byte[] NEWLINE = {'\n'};

  private final Path path;
  private final Logger log;
  /** Rotate before a line would make the file larger than this; 0: never. */
  private final long maxSize;
  /** Rotated files kept: {@code path.1} ... {@code path.maxFiles}. */
  private final int maxFiles;
  private boolean rotationFailing;
  /** The size beyond which the next line rotates: maxSize, or more after a failed rotation. */
  private long rotateAt;
  private long rotations;
  private FileChannel channel;
  /**
   * The identity (device and inode on Unix) of the file at the path when it was opened, or null
   * where the platform has none. The file looked up just after the open may already be another
   * one; the size comparison in {@link #reopenIfGone} catches that case.
   */
  private Object fileKey;
  /** False for e.g. /dev/stdout on a terminal or a pipe: no size, no truncation, no cut. */
  private boolean regular;
  /** The file's size after our last write, to notice a truncation. */
  private long lastSize;
  /** The file may end in a fragment (opened non-empty, or a cut failed): check before writing. */
  private boolean checkLineStart;
  /** A cut failed: our own fragment is at the file's end (known even if the file is unreadable). */
  private boolean fragmentLeft;
  private boolean failing;
  private long lost;
  private long lostWhileFailing;

  /** An output that never rotates the file itself. */
  public FileOutput(Path path, Logger log) {
    this(path, log, 0, 1);
  }

  /**
   * An output that rotates the file before a line would make it larger than {@code maxSize} bytes
   * ({@code 0}: never): {@code path} becomes {@code path.1}, {@code path.1} becomes {@code path.2}
   * and so on up to {@code path.maxFiles}; the oldest beyond that is deleted. A rotation happens
   * between two whole lines, under the same lock as the writes, so no line is split or lost.
   */
  public FileOutput(Path path, Logger log, long maxSize, int maxFiles) {
    this.path = path.toAbsolutePath();
    this.log = log;
    this.maxSize = Math.max(0, maxSize);
    this.maxFiles = Math.max(1, maxFiles);
    this.rotateAt = this.maxSize;
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void write(byte[] line) {
    boolean interrupted = false;
    try {
      try {
        writeOnce(line);
      } catch (ClosedByInterruptException e) {
        // The writing thread was interrupted (e.g. an executor shutting down, the application's or
        // the agent's): that closes a FileChannel, not the file. The line is written again on a
        // fresh channel with the interrupt held back, and the interrupt is restored afterwards.
        closeQuietly();
        interrupted = Thread.interrupted();
        writeOnce(line);
      }
      if (failing) {
        failing = false;
        log.info(
            "writing to {} works again; {} line(s) were lost while it failed", path, lostWhileFailing);
        lostWhileFailing = 0;
      }
    } catch (IOException | RuntimeException e) {
      lost++;
      lostWhileFailing++;
      if (!failing) {
        failing = true;
        log.warn(
            "cannot write to {}: {}; lines are dropped (and counted in the snapshots' agent.lostLines)"
                + " until writing works again",
            path,
            e.toString());
      }
      closeQuietly();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeOnce(byte[] line) throws IOException {
    long size = reopenIfGone();
    if (maxSize > 0 && regular && size > 0 && size + line.length > rotateAt) {
      rotate(size);
      size = reopenIfGone();
    }
    writeWhole(line, size);
  }

  /** How many times this output rotated the file. */
  public synchronized long rotations() {
    return rotations;
  }

  /** The name of the {@code n}-th rotated file: {@code perfmon-stats.jsonl.2} for 2. */
  public static Path rotated(Path path, int n) {
    return path.resolveSibling(path.getFileName() + "." + n);
  }

  /**
   * Closes the file and shifts the rotated files by one: the oldest ({@code .maxFiles}) is
   * deleted, {@code .i} is renamed to {@code .i+1}, the file to {@code .1}. When a rename fails,
   * writing goes on to the file at the path (one WARN until a rotation works again), and the next
   * attempt waits until it has grown by another {@code maxSize}, so that repeated failures do not
   * push the older rotated files out one by one; a line is never lost because of a rotation.
   */
  private void rotate(long size) {
    closeQuietly();
    try {
      Files.deleteIfExists(rotated(path, maxFiles));
      for (int i = maxFiles - 1; i >= 1; i--) {
        Path from = rotated(path, i);
        if (Files.exists(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.move(from, rotated(path, i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(path, rotated(path, 1), StandardCopyOption.REPLACE_EXISTING);
      rotations++;
      rotateAt = maxSize;
      fragmentLeft = false;
      if (rotationFailing) {
        rotationFailing = false;
        log.info("rotating {} works again", path);
      }
    } catch (IOException | RuntimeException e) {
      if (!rotationFailing) {
        rotationFailing = true;
        log.warn(
            "cannot rotate {}: {}; writing on to the same file (larger than output.max-size) until a"
                + " rotation works",
            path,
            e.toString());
      }
      rotateAt = size + maxSize;
    }
  }

  /** Lines that could not be written since this output was created. */
  @Override
  public synchronized long lostLines() {
    return lost;
  }

  /**
   * Opens the file when it is not open, or when the open file is no longer the one at the path.
   * Returns the file's size before the write.
   */
  private long reopenIfGone() throws IOException {
    if (channel != null) {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        a = null;
      } catch (IOException e) {
        // cannot tell (e.g. no search permission on a directory any more): the open file stays
        return lastSize;
      }
      if (a == null) {
        log.info("{} was deleted or moved away: creating it again", path);
        closeQuietly();
        fragmentLeft = false;
      } else if (!regular) {
        return 0; // e.g. /dev/stdout on a terminal or a pipe: no size to watch
      } else if ((fileKey != null && !fileKey.equals(a.fileKey())) || a.size() != channel.size()) {
        // A file of another size is another file too: the path was moved away and created again
        // between our open and our look-up of its key (or the platform has no file keys).
        log.info(
            "{} was replaced (moved away and created again, e.g. by logrotate): writing to the new file",
            path);
        closeQuietly();
        fragmentLeft = false;
      } else {
        if (a.size() < lastSize) {
          log.info(
              "{} was truncated (e.g. logrotate copytruncate): writing on from its new end", path);
        }
        return a.size();
      }
    }
    Path parent = path.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      // A missing directory is created (as in a fresh container: output.file=logs/perf.jsonl),
      // and said so in one line, so that a mistyped path does not go unnoticed.
      Files.createDirectories(parent);
      log.info("created the directory {} for output.file", parent.toAbsolutePath());
    }
    channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      a = null; // moved away right after the open: this line goes there, the next to the path
    }
    fileKey = a == null ? null : a.fileKey();
    regular = a == null || a.isRegularFile();
    long size = regular ? channel.size() : 0;
    checkLineStart = size > 0;
    lastSize = size;
    return size;
  }

  private void writeWhole(byte[] line, long sizeBefore) throws IOException {
    ByteBuffer[] bufs =
        checkLineStart && endsMidLine()
            ? new ByteBuffer[] {ByteBuffer.wrap(NEWLINE), ByteBuffer.wrap(line)}
            : new ByteBuffer[] {ByteBuffer.wrap(line)};
    long total = 0;
    for (ByteBuffer b : bufs) {
      total += b.remaining();
    }
    long written = 0;
    try {
      while (written < total) {
        long n = channel.write(bufs);
        if (n <= 0) {
          throw new IOException("no progress writing to " + path);
        }
        written += n;
      }
    } catch (IOException | RuntimeException e) {
      if (written > 0 && !cutFragment(written)) {
        checkLineStart = true;
        fragmentLeft = true;
      }
      throw e;
    }
    checkLineStart = false;
    fragmentLeft = false;
    lastSize = regular ? sizeBefore + written : 0;
  }

  /**
   * Removes the {@code written} bytes of a line that could not be written whole (in append mode
   * they are the file's last bytes). Returns false when they may still be there.
   */
  private boolean cutFragment(long written) {
    if (!regular) {
      return false; // a pipe or terminal cannot be cut; the reader sees the fragment either way
    }
    try {
      long target = channel.size() - written;
      if (target < 0) {
        return false;
      }
      channel.truncate(target);
      return channel.size() == target;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * True when the file is not empty and its last byte is not a newline. When the file cannot be
   * read (we may write but not read it), true only if we left a fragment ourselves.
   */
  private boolean endsMidLine() {
    // A second channel: an append-mode channel cannot read.
    try (FileChannel r = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = r.size();
      if (size == 0) {
        return false;
      }
      ByteBuffer last = ByteBuffer.allocate(1);
      return r.read(last, size - 1) == 1 && last.get(0) != '\n';
    } catch (IOException | RuntimeException e) {
      return fragmentLeft;
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
