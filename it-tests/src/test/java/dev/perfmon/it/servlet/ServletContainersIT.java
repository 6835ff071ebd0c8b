package dev.perfmon.it.servlet;

import static dev.perfmon.it.servlet.ServletApps.assertAgentHealthy;
import static dev.perfmon.it.servlet.ServletApps.assertOp;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Jdk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request through the Servlet API is one sample, on unmodified applications on Tomcat 9
 * (javax), Tomcat 11 (jakarta), Jetty 10 (javax) and Jetty 12 ee10 (jakarta), each run under
 * {@code -javaagent} on every configured JDK. The applications are {@code it-apps/servlet-*}: a
 * filter on every path, plus servlets that answer, throw, sendError(503), forward, and go async.
 */
class ServletContainersIT {
  static List<Arguments> containers() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (String app :
          List.of("servlet-tomcat11", "servlet-tomcat9", "servlet-jetty12", "servlet-jetty10")) {
        out.add(Arguments.of(app, jdk));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("containers")
  void oneSamplePerRequest(String app, Jdk jdk) throws Exception {
    AgentOutput out;
    try (ServletApps.App a =
        ServletApps.App.start(jdk, app, "interval=1h,output.file=stats.jsonl")) {
      for (int i = 1; i <= 5; i++) {
        assertThat(a.get("/users/" + i)).isEqualTo(200);
      }
      assertThat(a.get("/users/6?token=secret&password=hunter2")).isEqualTo(200);
      assertThat(a.send("POST", "/users/9")).isEqualTo(201);
      assertThat(a.get("/fwd")).isEqualTo(200);
      assertThat(a.get("/boom")).isEqualTo(500);
      assertThat(a.get("/unavailable")).isEqualTo(503);
      assertThat(a.get("/async")).isEqualTo(200);
      assertThat(a.get("/no/such/page")).isEqualTo(404);
      assertThat(a.get("/another/missing/thing.php?token=secret")).isEqualTo(404);
      out = a.stopAndRead();
      assertAgentHealthy(out, a.jvm);
    }

    assertOp(out, "servlet.GET /users/{id}", 6, 0, 6, 0, 0, 0);
    assertOp(out, "servlet.POST /users/{id}", 1, 0, 1, 0, 0, 0);
    // filter + servlet + forward to /target: one sample, under the requested path
    assertOp(out, "servlet.GET /fwd", 1, 0, 1, 0, 0, 0);
    assertOp(out, "servlet.GET /boom", 1, 1, 0, 0, 0, 1);
    assertOp(out, "servlet.GET /unavailable", 1, 1, 0, 0, 0, 1);
    assertOp(out, "servlet.GET {unmatched}", 2, 0, 0, 0, 2, 0);
    JsonNode async = assertOp(out, "servlet.GET /async", 1, 0, 1, 0, 0, 0);
    assertThat(async.get("avgDuration").asDouble())
        .as("async request ends when the async context completes")
        .isBetween(140.0, 1000.0);

    List<String> servletOps =
        out.operationNames().stream().filter(n -> n.startsWith("servlet.")).toList();
    assertThat(servletOps)
        .containsExactlyInAnyOrder(
            "servlet.GET /users/{id}",
            "servlet.POST /users/{id}",
            "servlet.GET /fwd",
            "servlet.GET /boom",
            "servlet.GET /unavailable",
            "servlet.GET /async",
            "servlet.GET {unmatched}");
    assertThat(op(out, "servlet.GET /users/{id}").path("metadata").path("kind").asText())
        .isEqualTo("servlet");
    assertThat(out.text()).doesNotContain("secret").doesNotContain("hunter2");
  }

  private static JsonNode op(AgentOutput out, String name) {
    return ServletApps.op(out, name);
  }
}
