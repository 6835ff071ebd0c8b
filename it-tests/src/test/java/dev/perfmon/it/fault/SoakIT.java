package dev.perfmon.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.servlet.ServletApps;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.fault.SoakApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The soak run: one JVM under the agent with servlet (embedded Tomcat), JDBC (H2) and method load
 * from eight threads, 10,000 attempted operation names against a cap of 500, the output file
 * rotated every 3 s, for {@code perfmon.soak.seconds} (20 in the build; run it for longer with
 * {@code mvn -pl it-tests verify -Dit.test=SoakIT -Dperfmon.soak.seconds=600}). Checks: every line
 * of every file is whole JSON; the final snapshot counts exactly the calls the application made,
 * the overflow included; heap after a full GC and the live thread count stay flat.
 */
class SoakIT {

  @Test
  void countsExactAndHeapAndThreadsFlat() throws Exception {
    long seconds = Long.getLong("perfmon.soak.seconds", 20);
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("soak");
    Path out = dir.resolve("soak.jsonl");
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk)
            .mainClass(SoakApp.class)
            .classpath(ServletApps.appJar("servlet-tomcat9"))
            .workDir(dir)
            .jvmArg("-Xmx256m")
            .agent(
                "methods=example.fault.SoakApp$Work,max-operations=500,interval=1s,slow.threshold=1h,"
                    + "output.file="
                    + out)
            .args(Long.toString(seconds), out.toString());
    try (ForkedJvm.Running jvm = b.start()) {
      int code = jvm.waitForExit(Duration.ofSeconds(seconds + 120));
      assertThat(code).as(jvm.describe()).isZero();
      String stdout = jvm.stdout();
      Map<String, Long> counts = counts(stdout);
      assertThat(counts.get("http")).as(stdout).isGreaterThan(100);

      // Every line of every file (the rotated ones and the current one) is whole JSON.
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(f -> f.getFileName().toString().startsWith("soak.jsonl")).sorted().toList();
      }
      assertThat(numbers(stdout, "ROTATIONS").get(0)).as("the file was rotated").isPositive();
      assertThat(files.size()).isGreaterThan(1);
      for (Path f : files) {
        AgentOutput.read(f); // fails on any line that is not a whole JSON object
      }
      JsonNode last = AgentOutput.read(out).lastSnapshot(); // the final one is in the current file

      long servlet = 0;
      long jdbc = 0;
      long method = 0;
      long other = 0;
      for (Iterator<Map.Entry<String, JsonNode>> it = last.path("operations").properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        long c = e.getValue().path("count").asLong();
        String name = e.getKey();
        if (name.equals("other")) {
          other += c;
        } else if (name.startsWith("servlet.")) {
          servlet += c;
        } else if (name.startsWith("jdbc.")) {
          jdbc += c;
        } else {
          method += c;
        }
      }
      assertThat(last.path("agent").path("overflowed").asBoolean()).as("more names than max-operations").isTrue();
      assertThat(last.path("agent").path("operations").asLong()).isLessThanOrEqualTo(501);
      assertThat(method).as("method calls").isEqualTo(counts.get("methods"));
      assertThat(servlet + jdbc + method + other)
          .as("every call counted once, the overflow in 'other'")
          .isEqualTo(counts.get("http") + counts.get("sql") + counts.get("methods") + counts.get("connections"));
      assertThat(last.path("agent").path("suppressedErrors").asLong()).isZero();

      List<Long> heap = numbers(stdout, "HEAP");
      List<Long> threads = numbers(stdout, "THREADS");
      assertThat(heap).hasSizeGreaterThanOrEqualTo(3);
      assertThat(heap.get(heap.size() - 1))
          .as("heap after GC flat: %s", heap)
          .isLessThan(heap.get(1) + heap.get(1) / 2 + 16L * 1024 * 1024);
      assertThat(threads.get(threads.size() - 1)).as("threads flat: %s", threads).isLessThanOrEqualTo(threads.get(1) + 2);
    }
  }

  private static Map<String, Long> counts(String stdout) {
    Matcher m = Pattern.compile("COUNTS http=(\\d+) sql=(\\d+) methods=(\\d+) connections=(\\d+)").matcher(stdout);
    assertThat(m.find()).as(stdout).isTrue();
    return Map.of(
        "http", Long.parseLong(m.group(1)),
        "sql", Long.parseLong(m.group(2)),
        "methods", Long.parseLong(m.group(3)),
        "connections", Long.parseLong(m.group(4)));
  }

  private static List<Long> numbers(String stdout, String label) {
    Matcher m = Pattern.compile("(?m)^" + label + " ([\\d ]*)$").matcher(stdout);
    assertThat(m.find()).as(stdout).isTrue();
    String body = m.group(1).trim();
    return body.isEmpty() ? List.of() : Arrays.stream(body.split(" ", -1)).map(Long::parseLong).toList();
  }
}
