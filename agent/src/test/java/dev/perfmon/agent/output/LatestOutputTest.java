package dev.perfmon.agent.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.perfmon.agent.CapturingLogger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatestOutputTest {
  @TempDir Path dir;
  private final CapturingLogger log = new CapturingLogger();

  private static byte[] snapshot(int n) {
    return ("{\"type\":\"snapshot\",\"n\":" + n + ",\"avg\":0.000123,\"big\":1.5E300,"
            + "\"operations\":{\"a b\":{\"count\":" + n + "}},\"list\":[1,true,null,\"x\"]}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void holdsOnlyTheLatestSnapshotPrettyPrintedWithNumbersAsWritten() throws Exception {
    Path file = dir.resolve("sub/latest.json");
    LatestOutput out = new LatestOutput(file, log);
    out.write(snapshot(1));
    out.write("{\"type\":\"slow\",\"operation\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
    out.write(snapshot(2));
    out.write("{\"type\":\"memory-warning\"}\n".getBytes(StandardCharsets.UTF_8));
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text)
        .isEqualTo(
            """
            {
              "type" : "snapshot",
              "n" : 2,
              "avg" : 0.000123,
              "big" : 1.5E300,
              "operations" : {
                "a b" : {
                  "count" : 2
                }
              },
              "list" : [ 1, true, null, "x" ]
            }
            """);
    try (Stream<Path> s = Files.list(file.getParent())) {
      assertThat(s.toList()).containsExactly(file); // no temporary file left
    }
    assertThat(log.at("WARN")).isEmpty();
  }

  @Test
  void aReaderNeverSeesAPartOfTheFile() throws Exception {
    Path file = dir.resolve("latest.json");
    LatestOutput out = new LatestOutput(file, log);
    out.write(snapshot(0));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    AtomicReference<String> bad = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              JsonFactory f = new JsonFactory();
              while (!stop.get()) {
                try {
                  byte[] b = Files.readAllBytes(file);
                  try (JsonParser p = f.createParser(b)) {
                    int depth = 0;
                    JsonToken t;
                    while ((t = p.nextToken()) != null) {
                      if (t.isStructStart()) {
                        depth++;
                      } else if (t.isStructEnd()) {
                        depth--;
                      }
                    }
                    if (depth != 0) {
                      bad.set(new String(b, StandardCharsets.UTF_8));
                    }
                  }
                  reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                  bad.set("file missing");
                } catch (IOException e) {
                  bad.set(e.toString());
                }
              }
            });
    reader.start();
    for (int n = 1; n <= 3000; n++) {
      out.write(snapshot(n));
    }
    stop.set(true);
    reader.join();
    assertThat(bad.get()).isNull();
    assertThat(reads.get()).isPositive();
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"n\" : 3000,");
  }

  @Test
  void anUnwritablePlaceWarnsOnceAndRecovers() throws Exception {
    Path blocker = dir.resolve("blocker");
    Files.writeString(blocker, "a file where the directory should be");
    Path file = blocker.resolve("latest.json");
    LatestOutput out = new LatestOutput(file, log);
    out.write(snapshot(1));
    out.write(snapshot(2));
    assertThat(log.at("WARN")).hasSize(1);
    assertThat(log.at("WARN").get(0)).startsWith("cannot write the latest snapshot to " + file);
    Files.delete(blocker);
    out.write(snapshot(3));
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("\"n\" : 3,");
    assertThat(log.at("INFO")).isEqualTo(List.of("writing " + file + " works again"));
  }
}
