package dev.perfmon.demo;

import dev.perfmon.api.OperationStats;
import dev.perfmon.api.PerfMon;
import dev.perfmon.api.PerformanceMonitor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A small shop backend: an order service, a repository on an in-memory H2 database, and a payment
 * client that is sometimes slow and sometimes fails. The agent times its methods and JDBC calls
 * without code changes; one block inside {@link OrderService#placeOrder} (the checkout: payment and
 * insert) is timed with the optional API (perfmon-api, docs/api.md), with the order id as metadata
 * that the agent attaches to the block's slow events. Run it with the agent (see demo/run.sh) and
 * read perfmon-stats.jsonl.
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1", "sa", "")) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(64), total DECIMAL(10,2))");
      }
      OrderService orders = new OrderService(new OrderRepository(c), new PaymentClient());
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      int id = 0;
      int failed = 0;
      while (System.nanoTime() < end) {
        id++;
        try {
          orders.placeOrder(id, "customer-" + (id % 17), 10 + id % 90);
        } catch (IllegalStateException e) {
          failed++;
        }
        orders.findOrder(ThreadLocalRandom.current().nextInt(1, id + 1));
      }
      System.out.println("demo: placed " + id + " orders, " + failed + " payments failed");
      // What the API itself reports in-process (with the agent; without it: nothing is kept).
      OperationStats checkout = PerfMon.monitor().getStats("order.checkout");
      System.out.println(
          checkout == null
              ? "demo: the API reports no figures (running without the agent)"
              : String.format(
                  java.util.Locale.ROOT,
                  "demo: the API reports order.checkout: %d calls, %d errors, p95 %.1f ms, max %.1f ms",
                  checkout.count(), checkout.errorCount(), checkout.p95(), checkout.maxDuration()));
    }
  }

  /** The service layer: tracked through agent.properties patterns. */
  public static final class OrderService {
    /** The API's operations of this service are named order.<name>. */
    private static final PerformanceMonitor ORDER = PerfMon.monitor().scope("order");

    private final OrderRepository repository;
    private final PaymentClient payments;

    OrderService(OrderRepository repository, PaymentClient payments) {
      this.repository = repository;
      this.payments = payments;
    }

    public void placeOrder(int id, String customer, int total) throws SQLException {
      if (total <= 0) {
        throw new IllegalArgumentException("total must be positive");
      }
      // One block of this method, timed with the API as operation order.checkout; a declined
      // payment (IllegalStateException) counts as an error and propagates unchanged.
      ORDER.trackOperation(
          "checkout",
          () -> {
            payments.charge(customer, total);
            repository.insert(id, customer, total);
            return null;
          },
          Map.of("orderId", Integer.toString(id)));
    }

    public String findOrder(int id) throws SQLException {
      return repository.find(id);
    }
  }

  /** JDBC access: timed by the JDBC instrumentation, no configuration needed. */
  public static final class OrderRepository {
    private final Connection connection;

    OrderRepository(Connection connection) {
      this.connection = connection;
    }

    public void insert(int id, String customer, int total) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
        ps.setInt(1, id);
        ps.setString(2, customer);
        ps.setInt(3, total);
        ps.executeUpdate();
      }
    }

    public String find(int id) throws SQLException {
      try (PreparedStatement ps = connection.prepareStatement("SELECT customer FROM orders WHERE id = ?")) {
        ps.setInt(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getString(1) : null;
        }
      }
    }
  }

  /** A remote call: usually 1-3 ms, sometimes 40 ms, and 2% of calls fail. */
  public static final class PaymentClient {
    public void charge(String customer, int amount) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      sleepMillis(r.nextInt(100) < 3 ? 40 : 1 + r.nextInt(3));
      if (r.nextInt(100) < 2) {
        throw new IllegalStateException("payment declined");
      }
    }

    private static void sleepMillis(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
