package dev.perfmon.agent.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads perfmon JSON Lines files (plain or gzip) line by line with jackson-core's streaming
 * parser, handing each snapshot, {@code slow} and {@code memory-warning} line to a {@link
 * Lines.Sink}. Nothing but the current line is held: a file of any size is read in constant
 * memory. A line that is not one whole JSON object of the expected shape is skipped and counted,
 * never fatal; so is a gzip file cut short.
 */
final class JsonlReader {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .streamReadConstraints(StreamReadConstraints.builder().maxNumberLength(64).build())
          .build();

  private final Lines.Sink sink;
  private final PrintStream progressOut;
  private final long progressAfterNanos;
  private long lines;
  private long corrupt;
  private long truncatedFiles;
  private long otherLines;
  private long bytes;
  private long totalBytes;
  private long started;
  private long lastProgress;
  private int fileNo;
  private int files;
  private boolean progressShown;
  private long[] histBuf = new long[256];

  JsonlReader(Lines.Sink sink, PrintStream progressOut, long progressAfterNanos) {
    this.sink = sink;
    this.progressOut = progressOut;
    this.progressAfterNanos = progressAfterNanos;
  }

  long lines() {
    return lines;
  }

  /** Lines skipped because they were not whole JSON of a known shape. */
  long corruptLines() {
    return corrupt;
  }

  /** Gzip files that ended before their end (being written, or cut). */
  long truncatedFiles() {
    return truncatedFiles;
  }

  /** Lines of other types (e.g. instrumentation). */
  long otherLines() {
    return otherLines;
  }

  long bytes() {
    return bytes;
  }

  /** Reads the files in the order given. */
  void read(List<InputFiles.Entry> entries) throws IOException {
    started = System.nanoTime();
    lastProgress = started;
    files = entries.size();
    for (InputFiles.Entry e : entries) {
      totalBytes += Files.size(e.path());
    }
    for (InputFiles.Entry e : entries) {
      fileNo++;
      readFile(e);
    }
    if (progressShown) {
      progress(true);
    }
  }

  private void readFile(InputFiles.Entry e) throws IOException {
    try (InputStream raw = Files.newInputStream(e.path());
        Counting counting = new Counting(raw)) {
      InputStream in = counting;
      if (e.path().getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(counting, 1 << 16);
      }
      readLines(in, e.source());
    } catch (EOFException ex) {
      truncatedFiles++; // a gzip file cut short: the lines before the cut were read
    }
  }

  /**
   * Splits the stream at newlines: a line that lies within one read chunk is parsed in place, a
   * line that spans chunks is gathered in {@code carry}. A last line without a newline is parsed
   * too (and counted as corrupt if it is cut).
   */
  private void readLines(InputStream in, String source) throws IOException {
    byte[] chunk = new byte[1 << 16];
    byte[] carry = new byte[1 << 12];
    int carried = 0;
    int n;
    while ((n = in.read(chunk, 0, chunk.length)) > 0) {
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] != '\n') {
          continue;
        }
        if (carried > 0) {
          carry = append(carry, carried, chunk, start, i - start);
          carried += i - start;
          line(carry, 0, carried, source);
          carried = 0;
        } else {
          line(chunk, start, i - start, source);
        }
        start = i + 1;
      }
      if (start < n) {
        carry = append(carry, carried, chunk, start, n - start);
        carried += n - start;
      }
    }
    if (carried > 0) {
      line(carry, 0, carried, source);
    }
  }

  private static byte[] append(byte[] to, int used, byte[] from, int off, int len) {
    byte[] out = to;
    if (used + len > to.length) {
      out = Arrays.copyOf(to, Math.max(to.length * 2, used + len));
    }
    System.arraycopy(from, off, out, used, len);
    return out;
  }

  private void line(byte[] buf, int off, int len, String source) {
    int end = off + len;
    if (end > off && buf[end - 1] == '\r') {
      end--;
    }
    boolean blank = true;
    for (int i = off; i < end && blank; i++) {
      blank = buf[i] == ' ' || buf[i] == '\t';
    }
    if (blank) {
      return;
    }
    lines++;
    try (JsonParser p = JSON.createParser(buf, off, end - off)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not an object");
      }
      Object parsed = parseLine(p, source);
      if (p.nextToken() != null) {
        throw new IOException("trailing content");
      }
      if (parsed instanceof Lines.Snapshot s) {
        sink.snapshot(s);
      } else if (parsed instanceof Lines.Slow s) {
        sink.slow(s);
      } else if (parsed instanceof Lines.MemoryWarning m) {
        sink.memoryWarning(m);
      } else {
        otherLines++;
      }
    } catch (IOException | RuntimeException ex) {
      corrupt++;
    }
    maybeProgress();
  }

  private void maybeProgress() {
    if (progressOut == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - started >= progressAfterNanos && now - lastProgress >= 1_000_000_000L) {
      lastProgress = now;
      progress(false);
    }
  }

  private void progress(boolean done) {
    progressShown = true;
    double secs = (System.nanoTime() - started) / 1e9;
    progressOut.printf(
        Locale.ROOT,
        "perfmon: %s %.1f of %.1f MB (file %d of %d), %d lines, %.1f s%n",
        done ? "read" : "reading",
        bytes / 1e6,
        totalBytes / 1e6,
        fileNo,
        files,
        lines,
        secs);
  }

  /** The top-level object of one line; the parser is after its START_OBJECT. */
  private Object parseLine(JsonParser p, String source) throws IOException {
    String type = null;
    long ts = Long.MIN_VALUE;
    long pid = -1;
    long uptime = 0;
    long interval = 0;
    boolean partial = false;
    List<Lines.Op> ops = null;
    Lines.Memory memory = null;
    List<Lines.Budget> budgets = List.of();
    long dropped = 0;
    String operation = null;
    double duration = 0;
    String severity = null;
    boolean error = false;
    String reason = null;
    double heapUsed = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "type" -> type = p.getText();
        case "timestamp" -> ts = epochMillis(p.getText());
        case "pid" -> pid = p.getLongValue();
        case "uptimeMs" -> uptime = p.getLongValue();
        case "intervalMs" -> interval = p.getLongValue();
        case "partial" -> partial = t == JsonToken.VALUE_TRUE;
        case "operations" -> ops = operations(p);
        case "memory" -> memory = memory(p);
        case "budgetViolations" -> budgets = budgets(p);
        case "droppedEvents" -> dropped = p.getLongValue();
        case "operation" -> operation = p.getText();
        case "duration" -> duration = p.getDoubleValue();
        case "severity" -> severity = p.getText();
        case "error" -> error = t == JsonToken.VALUE_TRUE;
        case "reason" -> reason = p.getText();
        case "heapUsed" -> heapUsed = p.getDoubleValue();
        default -> p.skipChildren();
      }
    }
    if (type == null) {
      throw new IOException("no type");
    }
    switch (type) {
      case "snapshot" -> {
        if (ts == Long.MIN_VALUE || ops == null) {
          throw new IOException("snapshot without timestamp or operations");
        }
        return new Lines.Snapshot(
            source, ts, pid, uptime, interval, partial, ops, memory, budgets, dropped);
      }
      case "slow" -> {
        if (ts == Long.MIN_VALUE || operation == null) {
          throw new IOException("slow line without timestamp or operation");
        }
        return new Lines.Slow(source, ts, operation, duration, severity, error);
      }
      case "memory-warning" -> {
        if (ts == Long.MIN_VALUE) {
          throw new IOException("memory-warning without timestamp");
        }
        return new Lines.MemoryWarning(source, ts, reason, heapUsed);
      }
      default -> {
        return type;
      }
    }
  }

  private static long epochMillis(String text) throws IOException {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IOException("bad timestamp", e);
    }
  }

  private List<Lines.Op> operations(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    List<Lines.Op> ops = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      expect(p.nextToken(), JsonToken.START_OBJECT);
      Lines.Op op = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        if (f.equals("interval")) {
          op = interval(p, name);
        } else {
          p.skipChildren();
        }
      }
      if (op == null) {
        throw new IOException("operation without interval");
      }
      ops.add(op);
    }
    return ops;
  }

  private Lines.Op interval(JsonParser p, String name) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    long count = -1;
    long errors = 0;
    long sampled = -1;
    double avg = 0;
    double min = 0;
    double max = 0;
    double[] pct = new double[Lines.PERCENTILES.length];
    long[] hist = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "count" -> count = p.getLongValue();
        case "errorCount" -> errors = p.getLongValue();
        case "sampledCount" -> sampled = p.getLongValue();
        case "avgDuration" -> avg = p.getDoubleValue();
        case "minDuration" -> min = p.getDoubleValue();
        case "maxDuration" -> max = p.getDoubleValue();
        case "p50" -> pct[0] = p.getDoubleValue();
        case "p90" -> pct[1] = p.getDoubleValue();
        case "p95" -> pct[2] = p.getDoubleValue();
        case "p99" -> pct[3] = p.getDoubleValue();
        case "p999" -> pct[4] = p.getDoubleValue();
        case "histogram" -> hist = histogram(p, t);
        default -> p.skipChildren();
      }
    }
    if (count < 0) {
      throw new IOException("interval without count");
    }
    return new Lines.Op(name, count, errors, sampled < 0 ? count : sampled, avg, min, max, pct, hist);
  }

  private long[] histogram(JsonParser p, JsonToken t) throws IOException {
    expect(t, JsonToken.START_ARRAY);
    int n = 0;
    while (p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
      if (n == histBuf.length) {
        histBuf = Arrays.copyOf(histBuf, n * 2);
      }
      histBuf[n++] = p.getLongValue();
    }
    expect(p.currentToken(), JsonToken.END_ARRAY);
    // [firstIndex, count, gap, count, ...]: checked here, so that a bad histogram rejects the
    // whole line before any of it is merged
    if (n % 2 != 0) {
      throw new IOException("histogram of odd length");
    }
    long index = 0;
    for (int i = 0; i < n; i += 2) {
      if (histBuf[i] < 0 || (i > 0 && histBuf[i] == 0) || histBuf[i + 1] <= 0) {
        throw new IOException("bad histogram pair at " + i);
      }
      index += histBuf[i];
      if (index >= LogLinear.BUCKETS) {
        throw new IOException("histogram index " + index + " beyond the layout");
      }
    }
    return Arrays.copyOf(histBuf, n);
  }

  private static Lines.Memory memory(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT);
    double used = 0;
    double committed = 0;
    double max = -1;
    double nonHeap = 0;
    double rss = -1;
    long gcCount = 0;
    long gcTime = 0;
    long threads = 0;
    double cpu = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "heapUsed" -> used = p.getDoubleValue();
        case "heapCommitted" -> committed = p.getDoubleValue();
        case "heapMax" -> max = p.getDoubleValue();
        case "nonHeapUsed" -> nonHeap = p.getDoubleValue();
        case "rss" -> rss = p.getDoubleValue();
        case "threads" -> threads = p.getLongValue();
        case "processCpuLoad" -> cpu = p.getDoubleValue();
        case "gc" -> {
          expect(p, JsonToken.START_OBJECT);
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String g = p.currentName();
              p.nextToken();
              if (g.equals("count")) {
                gcCount += p.getLongValue();
              } else if (g.equals("timeMs")) {
                gcTime += p.getLongValue();
              } else {
                p.skipChildren();
              }
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Lines.Memory(used, committed, max, nonHeap, rss, gcCount, gcTime, threads, cpu);
  }

  private static List<Lines.Budget> budgets(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY);
    List<Lines.Budget> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String op = null;
      double budget = 0;
      double actual = 0;
      double pct = 0;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "operation" -> op = p.getText();
          case "budget" -> budget = p.getDoubleValue();
          case "actual" -> actual = p.getDoubleValue();
          case "percentile" -> pct = p.getDoubleValue();
          default -> p.skipChildren();
        }
      }
      if (op != null) {
        out.add(new Lines.Budget(op, budget, actual, pct));
      }
    }
    return out;
  }

  private static void expect(JsonParser p, JsonToken t) throws IOException {
    expect(p.currentToken(), t);
  }

  private static void expect(JsonToken actual, JsonToken t) throws IOException {
    if (actual != t) {
      throw new IOException("expected " + t + ", found " + actual);
    }
  }

  /** Counts the bytes read from the file (compressed bytes for gzip), for the progress line. */
  private final class Counting extends FilterInputStream {
    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        bytes += n;
      }
      return n;
    }
  }
}
