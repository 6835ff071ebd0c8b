package example.boot;

import dev.perfmon.api.Operation;
import dev.perfmon.api.OperationStats;
import dev.perfmon.api.PerfMon;
import dev.perfmon.api.PerformanceMonitor;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uses the perfmon API (perfmon-api, in the fat jar's BOOT-INF/lib, loaded by Spring Boot's
 * launcher class loader): times a block inside the handler by name with metadata, and another
 * through an {@link Operation} handle; {@code /orders-stats} answers what the API reports.
 */
@RestController
public class OrdersController {
  private static final PerformanceMonitor ORDERS = PerfMon.monitor().scope("orders");
  private static final Operation PRICE = ORDERS.operation("price");

  @GetMapping("/orders/{id}")
  public String order(@PathVariable("id") long id) {
    long total =
        ORDERS.trackOperation(
            "load",
            () -> {
              if (id == 13) {
                Thread.sleep(120); // the slow one
              }
              return id * 100;
            },
            Map.of("orderId", Long.toString(id)));
    long t = PRICE.start();
    try {
      total += id;
    } finally {
      PRICE.stop(t);
    }
    return "order " + id + " " + total;
  }

  /** {@code <name>=<count>/<errors> ... loader=<class loader of PerfMon>}, names sorted. */
  @GetMapping("/orders-stats")
  public String stats() {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, OperationStats> e : new TreeMap<>(ORDERS.getStats()).entrySet()) {
      b.append(e.getKey()).append('=').append(e.getValue().count()).append('/').append(e.getValue().errorCount()).append(' ');
    }
    return b.append("loader=").append(PerfMon.class.getClassLoader().getClass().getName()).toString();
  }
}
