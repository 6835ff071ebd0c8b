package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.CallDetails;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.bootstrap.SlowCalls;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request's normalised path and status reach the slow-call listener, and only for slow requests.
 */
class ServletSlowCallDetailsTest {
  @AfterEach
  void reset() {
    SlowCalls.setListener(null);
    Recorders.clear();
  }

  @Test
  void slowRequestsCarryTheirPathAndStatus() {
    OperationRegistry registry = new OperationRegistry(100, n -> {});
    registry.addRegistrationListener(r -> r.setSlowThresholdNanos(1_000_000));
    List<String> seen = new ArrayList<>();
    SlowCalls.setListener(
        (id, nanos, error) -> {
          String[] d = CallDetails.take(id);
          seen.add(registry.recorders().get(id).name() + " " + nanos + " " + error + " " + (d == null ? null : String.join(",", d)));
        });
    ServletRequestHandler handler =
        new ServletRequestHandler(
            new ServletNaming(
                registry, List.of(), ServletNaming.parseRules(List.of("/reset/*=>/reset/{code}"), new ArrayList<>())));

    handler.onExit("GET", "/app/owners/12", "/app", null, 200, 999_999, false); // fast
    handler.onExit("GET", "/app/owners/13", "/app", null, 503, 2_000_000, false);
    handler.onExit("GET", "/app/owners/14", "/app", null, 200, 3_000_000, true);
    // The raw URI's session id, encoded query string and token never reach the event.
    handler.onExit("GET", "/app/owners/15;jsessionid=S3CR3T1D/x%3Fpassword=hunter2", "/app", null, 200, 2_000_000, false);
    handler.onExit("GET", "/lost/9fceb02d0ae598e95dc970b74767f19372d61af8", "", null, 404, 2_000_000, false);
    // A name rule hides what the normaliser keeps, in the event as in the name.
    handler.onExit("GET", "/reset/correct-horse-battery-staple", "", null, 200, 2_000_000, false);

    assertThat(seen)
        .containsExactly(
            "servlet.GET /app/owners/{id} 2000000 true path,/app/owners/{id},status,503",
            "servlet.GET /app/owners/{id} 3000000 true path,/app/owners/{id},status,500",
            "servlet.GET /app/owners/{id}/x 2000000 false path,/app/owners/{id}/x,status,200",
            "servlet.GET {unmatched} 2000000 false path,/lost/{token},status,404",
            "servlet.GET /reset/{code} 2000000 false path,/reset/{code},status,200");
    assertThat(CallDetails.take(registry.idOf("servlet.GET /app/owners/{id}"))).as("nothing left behind").isNull();
  }
}
