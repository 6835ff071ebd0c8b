package dev.perfmon.agent.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Line splitting across the reader's 64 KB chunks, CRLF, blank lines, a last line without newline. */
class JsonlReaderTest {
  @TempDir Path dir;

  private static String snapshot(int n, int padding) {
    return "{\"type\":\"snapshot\",\"timestamp\":\"2026-11-29T10:00:0" + (n % 10) + "Z\",\"pid\":7,"
        + "\"uptimeMs\":1,\"intervalMs\":1000,\"operations\":{\"op\":{\"count\":" + n
        + ",\"metadata\":{\"pad\":\"" + "x".repeat(padding) + "\"},\"interval\":{\"count\":" + n
        + ",\"errorCount\":0,\"avgDuration\":2,\"minDuration\":1,\"maxDuration\":3,\"p50\":2,\"p90\":2,"
        + "\"p95\":2,\"p99\":3,\"p999\":3,\"histogram\":[1983," + n + "]}}},\"agent\":{}}";
  }

  @Test
  void linesOfAnyLengthAcrossChunksAreReadWhole() throws IOException {
    StringBuilder sb = new StringBuilder();
    int[] pads = {10, 70_000, 5, 200_000, 65_536 - 300, 1};
    long expected = 0;
    for (int i = 0; i < pads.length; i++) {
      sb.append(snapshot(i + 1, pads[i])).append(i % 2 == 0 ? "\r\n" : "\n");
      expected += i + 1;
      if (i == 2) {
        sb.append("\n   \n");
      }
    }
    sb.append(snapshot(100, 3)); // no newline at the end
    expected += 100;
    Path f = dir.resolve("a.jsonl");
    Files.writeString(f, sb, StandardCharsets.UTF_8);
    List<Lines.Snapshot> seen = new ArrayList<>();
    JsonlReader r =
        new JsonlReader(
            new Lines.Sink() {
              @Override
              public void snapshot(Lines.Snapshot s) {
                seen.add(s);
              }

              @Override
              public void slow(Lines.Slow s) {}

              @Override
              public void memoryWarning(Lines.MemoryWarning m) {}
            },
            null,
            Long.MAX_VALUE);
    r.read(InputFiles.expand(List.of(f.toString())));
    assertThat(r.corruptLines()).isZero();
    assertThat(r.lines()).isEqualTo(7);
    assertThat(seen).hasSize(7);
    assertThat(seen.stream().mapToLong(s -> s.operations().get(0).count()).sum()).isEqualTo(expected);
    assertThat(seen.get(3).operations().get(0).histogram()).containsExactly(1983, 4);
  }
}
