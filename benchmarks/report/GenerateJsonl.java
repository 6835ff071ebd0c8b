import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes synthetic perfmon JSON Lines in the agent's snapshot format, with histograms: {@code jvms}
 * files of snapshots every 10 s with {@code ops} operations each (log-normal-ish durations spread
 * over a few powers of two), plus a slow line now and then, until {@code megabytes} MB in total.
 *
 *   java GenerateJsonl.java OUT_DIR [megabytes=100] [jvms=4] [ops=60]
 */
public final class GenerateJsonl {
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    long target = (args.length > 1 ? Long.parseLong(args[1]) : 100) * 1_000_000L;
    int jvms = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int ops = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    Files.createDirectories(dir);
    BufferedWriter[] out = new BufferedWriter[jvms];
    for (int j = 0; j < jvms; j++) {
      out[j] = Files.newBufferedWriter(dir.resolve("jvm" + j + ".jsonl"), StandardCharsets.UTF_8);
    }
    SplittableRandom r = new SplittableRandom(1);
    long written = 0;
    long t = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    long[] cum = new long[ops];
    StringBuilder sb = new StringBuilder(1 << 16);
    int n = 0;
    while (written < target) {
      int j = n++ % jvms;
      if (j == 0) {
        t += 10_000;
      }
      sb.setLength(0);
      sb.append("{\"type\":\"snapshot\",\"timestamp\":\"").append(Instant.ofEpochMilli(t + j))
          .append("\",\"pid\":").append(1000 + j).append(",\"uptimeMs\":").append(n * 2500L)
          .append(",\"intervalMs\":10000,\"operations\":{");
      for (int o = 0; o < ops; o++) {
        long calls = 1 + r.nextInt(2000);
        cum[o] += calls;
        // durations around 2^(14+o%12) ns: 16 us .. 33 ms
        int baseMsb = 14 + o % 12;
        long[] counts = new long[2240];
        long left = calls;
        while (left > 0) {
          int page = baseMsb - 5 + (int) Math.round(r.nextGaussian() * 1.2);
          page = Math.max(1, Math.min(34, page));
          int idx = page * 64 + r.nextInt(64);
          long c = Math.min(left, 1 + r.nextInt(20));
          counts[idx] += c;
          left -= c;
        }
        double avg = (1L << baseMsb) / 1e6 * 1.3;
        if (o > 0) {
          sb.append(',');
        }
        String name = o % 3 == 0 ? "GET /api/resource" + o + "/{id}" : o % 3 == 1 ? "jdbc.SELECT * FROM table" + o + " WHERE id = ?" : "com.example.service.Service" + o + ".method";
        sb.append('"').append(name).append("\":{");
        fields(sb, cum[o], cum[o] / 100, avg);
        sb.append(",\"interval\":{");
        fields(sb, calls, calls / 100, avg);
        sb.append(",\"histogram\":[");
        int prev = 0;
        boolean first = true;
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] > 0) {
            if (!first) {
              sb.append(',');
            }
            sb.append(i - prev).append(',').append(counts[i]);
            prev = i;
            first = false;
          }
        }
        sb.append("]}}");
      }
      sb.append("},\"memory\":{\"heapUsed\":").append(String.format(Locale.ROOT, "%.3f", 100 + r.nextDouble(400)))
          .append(",\"heapCommitted\":512,\"heapMax\":1024,\"nonHeapUsed\":80.5,\"rss\":700.25,\"gc\":{\"G1 Young Generation\":{\"count\":")
          .append(n).append(",\"timeMs\":").append(n * 3L).append("}},\"threads\":40,\"processCpuLoad\":0.25},")
          .append("\"agent\":{\"operations\":").append(ops).append(",\"maxOperations\":2000,\"overflowed\":false,\"suppressedErrors\":0,\"snapshotMs\":1.2,\"footprintBytes\":400000,\"callsRecorded\":50000},")
          .append("\"slowOperations\":[],\"budgetViolations\":[],\"droppedEvents\":0}\n");
      out[j].append(sb);
      written += sb.length();
      if (r.nextInt(10) == 0) {
        String slow = "{\"type\":\"slow\",\"timestamp\":\"" + Instant.ofEpochMilli(t + j) + "\",\"operation\":\"GET /api/resource0/{id}\",\"duration\":1234.5,\"threshold\":1000,\"severity\":\"slow\",\"error\":false,\"thread\":\"http-1\",\"metadata\":{}}\n";
        out[j].append(slow);
        written += slow.length();
      }
    }
    for (BufferedWriter w : out) {
      w.close();
    }
    System.out.printf(Locale.ROOT, "%d snapshots, %.1f MB in %s%n", n, written / 1e6, dir);
  }

  private static void fields(StringBuilder sb, long count, long errors, double avg) {
    sb.append("\"count\":").append(count).append(",\"successCount\":").append(count - errors)
        .append(",\"errorCount\":").append(errors)
        .append(String.format(Locale.ROOT, ",\"avgDuration\":%.6f,\"minDuration\":%.6f,\"maxDuration\":%.6f,\"p50\":%.6f,\"p90\":%.6f,\"p95\":%.6f,\"p99\":%.6f,\"p999\":%.6f",
            avg, avg / 8, avg * 20, avg, avg * 2, avg * 3, avg * 6, avg * 12));
  }
}
