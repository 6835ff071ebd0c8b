package dev.perfmon.it.servlet;

import static dev.perfmon.it.servlet.ServletApps.assertAgentHealthy;
import static dev.perfmon.it.servlet.ServletApps.assertOp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Jdk;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Spring Boot 3.5 fat jar (Spring MVC on embedded Tomcat 10.1, jakarta): requests are named by
 * the handler's route template, a DeferredResult request ends when its result is set, and a 404
 * (Spring's catch-all resource handler, then the /error dispatch) is one unmatched sample.
 */
class SpringBootIT {
  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void routesAreSpringTemplates(Jdk jdk) throws Exception {
    AgentOutput out;
    try (ServletApps.App app =
        ServletApps.App.start(jdk, "spring-boot-app", "interval=1h,output.file=stats.jsonl")) {
      for (int i = 1; i <= 5; i++) {
        assertThat(app.get("/owners/" + i + "?token=secret")).isEqualTo(200);
      }
      assertThat(app.get("/owners/3/pets/4")).isEqualTo(200);
      assertThat(app.get("/no/such/page")).isEqualTo(404);
      out = app.stopAndRead();
      assertAgentHealthy(out, app.jvm);
    }
    assertOp(out, "servlet.GET /owners/{ownerId}", 5, 0, 5, 0, 0, 0);
    JsonNode pets = assertOp(out, "servlet.GET /owners/{ownerId}/pets/{petId}", 1, 0, 1, 0, 0, 0);
    assertThat(pets.get("avgDuration").asDouble()).isBetween(140.0, 1000.0);
    assertOp(out, "servlet.GET {unmatched}", 1, 0, 0, 0, 1, 0);
    assertThat(out.operationNames().stream().filter(n -> n.startsWith("servlet.")).toList())
        .containsExactlyInAnyOrder(
            "servlet.GET /owners/{ownerId}",
            "servlet.GET /owners/{ownerId}/pets/{petId}",
            "servlet.GET {unmatched}");
    assertThat(out.text()).doesNotContain("secret");
  }
}
