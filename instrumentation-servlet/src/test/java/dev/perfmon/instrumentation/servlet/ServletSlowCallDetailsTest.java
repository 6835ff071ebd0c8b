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

/** The request's path and status reach the slow-call listener, and only for slow requests. */
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
    ServletRequestHandler handler = new ServletRequestHandler(new ServletNaming(registry, List.of(), List.of()));

    handler.onExit("GET", "/app/owners/12", "/app", null, 200, 999_999, false); // fast
    handler.onExit("GET", "/app/owners/13", "/app", null, 503, 2_000_000, false);
    handler.onExit("GET", "/app/owners/14", "/app", null, 200, 3_000_000, true);

    assertThat(seen)
        .containsExactly(
            "servlet.GET /app/owners/{id} 2000000 true path,/app/owners/13,status,503",
            "servlet.GET /app/owners/{id} 3000000 true path,/app/owners/14,status,500");
    assertThat(CallDetails.take(registry.idOf("servlet.GET /app/owners/{id}"))).as("nothing left behind").isNull();
  }
}
