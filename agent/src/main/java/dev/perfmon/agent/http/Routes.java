package dev.perfmon.agent.http;

import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.SnapshotJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The endpoint's paths, independent of the HTTP server that carries them (so they are tested
 * without one):
 *
 * <ul>
 *   <li>{@code GET /stats}: the figures as of now as one JSON object of the snapshot line's shape;
 *       {@code ?scope=api} only the operations named {@code api} or starting with {@code api.},
 *       {@code ?operation=NAME} only that one. Unknown parameters are ignored; a scope or an
 *       operation with no calls gives an empty {@code operations} object, never an error.
 *   <li>{@code GET /metrics}: Prometheus text 0.0.4, or OpenMetrics when the {@code Accept}
 *       header asks for it ({@link PrometheusFormat}).
 *   <li>{@code GET /} and its assets: the dashboard ({@link Dashboard}).
 * </ul>
 *
 * <p>With a token every path, unknown ones included, answers 401 unless the request carries
 * {@code Authorization: Bearer <token>} (compared in constant time). Only GET and HEAD are
 * served. Nothing here shows environment variables, system properties or configuration values.
 *
 * <p>Thread-safe: the requests of the server's threads may arrive at once.
 */
final class Routes {
  /** One request, as far as the routes need it. */
  record Request(String method, String path, String rawQuery, String authorization, String accept) {}

  private final LiveStats live;
  private final long[] boundsNanos;
  private final byte[] token;
  private final Dashboard dashboard;
  /** How long the previous /metrics took to render, ns; negative before the first. */
  private volatile long lastScrapeNanos = -1;

  Routes(LiveStats live, long[] boundsNanos, String token, Dashboard dashboard) {
    this.live = live;
    this.boundsNanos = boundsNanos.clone();
    this.token = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.dashboard = dashboard;
  }

  Response handle(Request r) {
    if (token != null && !authorised(r.authorization())) {
      return Response.text(401, "401 unauthorised: send Authorization: Bearer <http.token>\n")
          .withHeader("WWW-Authenticate", "Bearer realm=\"perfmon\"");
    }
    if (!r.method().equals("GET") && !r.method().equals("HEAD")) {
      return Response.text(405, "405 method not allowed: GET or HEAD\n").withHeader("Allow", "GET, HEAD");
    }
    Map<String, String> query;
    try {
      query = query(r.rawQuery());
    } catch (IllegalArgumentException e) {
      return Response.jsonError(400, "malformed query string");
    }
    return switch (r.path()) {
      case "/stats" -> stats(query);
      case "/metrics" -> metrics(r.accept());
      default -> {
        Response d = dashboard == null ? null : dashboard.serve(r.path(), query);
        yield d != null ? d : Response.text(404, "404 not found: try /, /stats or /metrics\n");
      }
    };
  }

  private boolean authorised(String authorization) {
    if (authorization == null) {
      return false;
    }
    byte[] given = authorization.trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private Response stats(Map<String, String> query) {
    Predicate<String> include = filter(query);
    byte[] body = SnapshotJson.snapshot(live.read(include).snapshot());
    return Response.json(200, body);
  }

  /** {@code scope} and {@code operation} together: both must hold. */
  static Predicate<String> filter(Map<String, String> query) {
    Predicate<String> include = LiveStats.all();
    String scope = query.get("scope");
    if (scope != null) {
      include = include.and(LiveStats.scope(scope));
    }
    String operation = query.get("operation");
    if (operation != null) {
      include = include.and(LiveStats.operation(operation));
    }
    return include;
  }

  private Response metrics(String accept) {
    long t0 = System.nanoTime();
    boolean om = PrometheusFormat.wantsOpenMetrics(accept);
    long last = lastScrapeNanos;
    String text = PrometheusFormat.render(live.read(LiveStats.all(), boundsNanos), om, last < 0 ? -1 : last / 1e9);
    byte[] body = Response.bytes(text);
    lastScrapeNanos = System.nanoTime() - t0;
    return new Response(200, om ? PrometheusFormat.OPENMETRICS_TYPE : PrometheusFormat.TEXT_TYPE, body, Map.of());
  }

  /** The parameters of a query string, decoded; the first of a repeated name wins. */
  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= raw.length(); i++) {
      if (i == raw.length() || raw.charAt(i) == '&') {
        parts.add(raw.substring(start, i));
        start = i + 1;
      }
    }
    for (String p : parts) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
