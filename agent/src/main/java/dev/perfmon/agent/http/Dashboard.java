package dev.perfmon.agent.http;

import dev.perfmon.agent.monitor.LiveStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The dashboard at {@code /}: one page ({@code dashboard.html}, its script and style sheet) that
 * draws its charts with uPlot, served from the agent jar (unpacked from uPlot's WebJar at build
 * time under {@code dev/perfmon/agent/http/uplot/}), and {@code /history}, the JSON of the {@link
 * History} ring the charts read. The page loads nothing from anywhere else; its
 * Content-Security-Policy allows only this origin.
 *
 * <p>Thread-safe. The static files are read from the jar at their first request and kept (about
 * 60 kB).
 */
final class Dashboard {
  /** Only this origin, for everything the page loads or fetches. */
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {"dashboard.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"dashboard.html", "text/html; charset=utf-8"},
          "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
          "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
          "/uplot.min.js", new String[] {"uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/uplot.min.css", new String[] {"uplot/uPlot.min.css", "text/css; charset=utf-8"},
          "/uplot-LICENSE.txt", new String[] {"uplot/LICENSE", "text/plain; charset=utf-8"});

  private final History history;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  Dashboard(History history) {
    this.history = history;
  }

  /** The answer for {@code path}, or null when it is none of the dashboard's. */
  Response serve(String path, Map<String, String> query) {
    if (path.equals("/history")) {
      Predicate<String> scope = query.containsKey("scope") ? LiveStats.scope(query.get("scope")) : LiveStats.all();
      return Response.json(200, history.json(scope, query.get("operation")));
    }
    String[] file = FILES.get(path);
    if (file == null) {
      return null;
    }
    byte[] body = cache.computeIfAbsent(file[0], Dashboard::read);
    Response r = new Response(200, file[1], body, Map.of());
    return file[1].startsWith("text/html") ? r.withHeader("Content-Security-Policy", CSP) : r;
  }

  private static byte[] read(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the agent jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
