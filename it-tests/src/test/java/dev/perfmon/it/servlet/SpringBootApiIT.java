package dev.perfmon.it.servlet;

import static dev.perfmon.it.servlet.ServletApps.op;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Jdk;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * perfmon-api in a Spring Boot fat jar (it-apps/spring-boot-app, {@code OrdersController}): the
 * API jar sits in {@code BOOT-INF/lib} and is loaded by Spring Boot's launcher class loader, and is
 * bound to the agent there: the blocks it times appear in the snapshot beside the requests, the
 * slow one carries its metadata to the slow event, and {@code getStats} in the application reports
 * the agent's counts.
 */
class SpringBootApiIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void apiInTheFatJarIsBound(Jdk jdk) throws Exception {
    AgentOutput out;
    String stats;
    try (ServletApps.App app =
        ServletApps.App.start(
            jdk, "spring-boot-app", "interval=1h,output.file=stats.jsonl,slow.threshold.orders.load=50ms")) {
      for (long id : new long[] {1, 2, 13, 4, 5}) {
        assertThat(app.get("/orders/" + id)).isEqualTo(200);
      }
      HttpResponse<String> r =
          app.client()
              .send(
                  HttpRequest.newBuilder(URI.create(app.base + "/orders-stats")).timeout(Duration.ofSeconds(20)).build(),
                  HttpResponse.BodyHandlers.ofString());
      stats = r.body();
      out = app.stopAndRead();
      assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong()).isZero();
    }
    assertThat(stats)
        .isEqualTo("orders.load=5/0 orders.price=5/0 loader=org.springframework.boot.loader.launch.LaunchedClassLoader");
    assertThat(op(out, "orders.load").get("count").asLong()).isEqualTo(5);
    assertThat(op(out, "orders.price").get("count").asLong()).isEqualTo(5);
    assertThat(op(out, "servlet.GET /orders/{id}").get("count").asLong()).isEqualTo(5);
    List<JsonNode> slow = out.ofType("slow");
    assertThat(slow).as(out.text()).hasSize(1);
    assertThat(slow.get(0).get("operation").asText()).isEqualTo("orders.load");
    assertThat(slow.get(0).path("metadata").path("orderId").asText()).isEqualTo("13");
  }
}
