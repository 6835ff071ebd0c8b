package dev.perfmon.agent.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perfmon.agent.SuppressForbidden;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's built-in HTTP server ({@code jdk.httpserver}) carrying {@link Routes}. The only class
 * that names {@code com.sun.net.httpserver}: it is loaded only after {@link HttpService} found the
 * module, so a runtime without it never meets a missing class.
 *
 * <p>Threads: the server's dispatcher thread, created by {@link #start} and a daemon because it
 * is started from an agent thread (threads inherit that), and at most two {@code perfmon-http-N}
 * daemon worker threads that end after a minute without requests; at most 64 requests wait, later
 * ones are dropped (their connections close). {@link #stop()} closes the socket at once.
 */
@SuppressForbidden // com.sun.net.httpserver is the JDK's supported, exported HTTP server API
final class HttpEndpoint {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpServer server;
  private final ThreadPoolExecutor workers;

  private HttpEndpoint(HttpServer server, ThreadPoolExecutor workers) {
    this.server = server;
    this.workers = workers;
  }

  /**
   * Binds {@code address} and serves {@code routes}.
   *
   * @throws IOException when the address cannot be bound (e.g. {@link java.net.BindException})
   */
  static HttpEndpoint start(InetSocketAddress address, Routes routes) throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            2,
            2,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            r -> {
              Thread t = new Thread(r, "perfmon-http-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    workers.allowCoreThreadTimeOut(true);
    Executor dropping =
        task -> {
          try {
            workers.execute(task);
          } catch (RejectedExecutionException full) {
            // Too many requests at once: this one is dropped, the agent stays bounded.
          }
        };
    server.setExecutor(dropping);
    server.createContext("/", exchange -> handle(exchange, routes));
    server.start();
    return new HttpEndpoint(server, workers);
  }

  private static void handle(HttpExchange exchange, Routes routes) throws IOException {
    try (exchange) {
      Response r;
      try {
        r =
            routes.handle(
                new Routes.Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Accept")));
      } catch (RuntimeException | LinkageError e) {
        r = Response.jsonError(503, "figures unavailable right now: " + e.getClass().getSimpleName());
      }
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      for (Map.Entry<String, String> h : r.headers().entrySet()) {
        exchange.getResponseHeaders().set(h.getKey(), h.getValue());
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(r.status(), head ? -1 : (r.body().length == 0 ? -1 : r.body().length));
      if (!head && r.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Closes the socket and stops the threads; requests in progress are cut off. */
  void stop() {
    server.stop(0);
    workers.shutdownNow();
  }
}
