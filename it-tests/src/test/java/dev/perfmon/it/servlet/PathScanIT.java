package dev.perfmon.it.servlet;

import static dev.perfmon.it.servlet.ServletApps.assertAgentHealthy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Jdk;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A scan of 10,000 distinct paths (unmatched probes, numeric ids, UUIDs, hex tokens) adds a
 * handful of operations, not thousands; {@code servlet.exclude} and {@code servlet.name-rules}
 * (given as system properties) leave out and rename paths. Runs on the first configured JDK only: the naming is the
 * same code on every JDK, and the containers IT covers the JDK matrix.
 */
class PathScanIT {
  private static final int PROBES = 4000;
  private static final int IDS = 3000;
  private static final int UUIDS = 2000;
  private static final int TOKENS = 1000;

  @Test
  void tenThousandDistinctPathsMakeAHandfulOfOperations() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < PROBES; i++) {
      paths.add("/probe" + Integer.toString(i, 36) + "/admin" + (char) ('a' + i % 26) + ".php");
    }
    for (int i = 0; i < IDS; i++) {
      paths.add("/users/" + (100_000 + i));
    }
    for (int i = 0; i < UUIDS; i++) {
      paths.add("/users/" + new UUID(0x1234L + i, 0x9abcL * i).toString());
    }
    for (int i = 0; i < TOKENS; i++) {
      // 40 hex digits like a SHA-1, always with letters (an all-digit one would be an {id})
      paths.add("/users/deadbeef" + String.format("%032x", 0xfeedL * (i + 1)));
    }
    assertThat(paths).doesNotHaveDuplicates().hasSize(10_000);

    AgentOutput out;
    try (ServletApps.App app =
        ServletApps.App.start(
            jdk,
            "servlet-tomcat11",
            "interval=1h,output.file=stats.jsonl",
            "-Dperfmon.servlet.exclude=/users/skip/*,/health",
            "-Dperfmon.servlet.name-rules=/users/by-name/*=>/users/by-name/{name}")) {
      for (int i = 0; i < 10; i++) {
        assertThat(app.get("/users/skip/" + i)).isEqualTo(200);
      }
      for (String name : List.of("alice", "bob", "carol")) {
        assertThat(app.get("/users/by-name/" + name)).isEqualTo(200);
      }
      Semaphore inFlight = new Semaphore(16);
      AtomicInteger unexpected = new AtomicInteger();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (String p : paths) {
        inFlight.acquire();
        HttpRequest r =
            HttpRequest.newBuilder(URI.create(app.base + p)).timeout(Duration.ofSeconds(20)).build();
        int expected = p.startsWith("/users/") ? 200 : 404;
        all.add(
            app.client()
                .sendAsync(r, HttpResponse.BodyHandlers.discarding())
                .whenComplete(
                    (resp, t) -> {
                      inFlight.release();
                      if (t != null || resp.statusCode() != expected) {
                        unexpected.incrementAndGet();
                      }
                    }));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).join();
      assertThat(unexpected.get()).as("requests with an unexpected outcome").isZero();
      out = app.stopAndRead();
      assertAgentHealthy(out, app.jvm);
    }

    List<String> servletOps =
        out.operationNames().stream().filter(n -> n.startsWith("servlet.")).toList();
    assertThat(servletOps)
        .containsExactlyInAnyOrder(
            "servlet.GET {unmatched}",
            "servlet.GET /users/{id}",
            "servlet.GET /users/{uuid}",
            "servlet.GET /users/{token}",
            "servlet.GET /users/by-name/{name}");
    assertThat(ServletApps.op(out, "servlet.GET /users/by-name/{name}").get("count").asLong())
        .isEqualTo(3);
    assertThat(out.text()).doesNotContain("skip").doesNotContain("alice");
    assertThat(ServletApps.op(out, "servlet.GET {unmatched}").get("count").asLong()).isEqualTo(PROBES);
    assertThat(ServletApps.op(out, "servlet.GET /users/{id}").get("count").asLong()).isEqualTo(IDS);
    assertThat(ServletApps.op(out, "servlet.GET /users/{uuid}").get("count").asLong()).isEqualTo(UUIDS);
    assertThat(ServletApps.op(out, "servlet.GET /users/{token}").get("count").asLong()).isEqualTo(TOKENS);
  }
}
