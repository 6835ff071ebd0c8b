package dev.perfmon.instrumentation.servlet;

import dev.perfmon.config.Globs;
import dev.perfmon.instrumentation.api.Operations;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a finished request to its operation id: {@code servlet.<METHOD> <route>}.
 *
 * <p>Route, in order of precedence:
 *
 * <ol>
 *   <li>{@code servlet.exclude}: a path matching one of these globs is not timed at all (id -1);
 *   <li>{@code servlet.name-rules}: the route of the first rule whose glob matches the path;
 *   <li>the framework's route template (Spring MVC's best-matching pattern), prefixed with the
 *       context path, unless it is a catch-all ({@code /**}) and the status is 404;
 *   <li>status 404 without such a template: {@code {unmatched}} (no servlet or handler matched; a
 *       scanner probing random paths therefore adds one operation per method, not one per path);
 *   <li>else the request path, normalised by {@link PathNormalizer}.
 * </ol>
 *
 * <p>Globs are matched against the request path with the context path, without query string and
 * path parameters, percent-decoded (the path {@link PathNormalizer} starts from, before variable
 * segments are replaced).
 *
 * <p>Methods outside the standard set (GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE,
 * CONNECT) are named {@code OTHER}, so that invented methods cannot add operations.
 *
 * <p>Cost: a request whose route or path was seen before costs one or two concurrent hash-map
 * look-ups and allocates nothing. Caches are bounded ({@link #CACHE_LIMIT} entries per map); past
 * the bound a new path is normalised on each request instead of being cached. Thread-safe.
 */
final class ServletNaming {
  static final int CACHE_LIMIT = 10_000;
  static final String UNMATCHED = "{unmatched}";
  static final String PREFIX = "servlet.";
  static final int EXCLUDED = -1;

  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "OTHER"
  };

  private final Operations operations;
  private final List<String> excludes;
  private final List<String[]> rules;
  private final boolean pathRules;
  private final MethodSlot[] slots = new MethodSlot[METHODS.length];
  /** Raw URI to its analysis; only used when excludes or rules are configured, or no route. */
  private final ConcurrentHashMap<String, PathInfo> paths = new ConcurrentHashMap<>();

  /**
   * @param excludes path globs not timed
   * @param nameRules entries {@code glob=>route}; malformed entries are skipped (see {@link
   *     #parseRules})
   */
  ServletNaming(Operations operations, List<String> excludes, List<String[]> nameRules) {
    this.operations = operations;
    this.excludes = List.copyOf(excludes);
    this.rules = List.copyOf(nameRules);
    this.pathRules = !this.excludes.isEmpty() || !this.rules.isEmpty();
    for (int i = 0; i < METHODS.length; i++) {
      slots[i] = new MethodSlot(METHODS[i]);
    }
  }

  /**
   * Parses {@code glob=>route} entries.
   *
   * @param problems receives one message per malformed entry
   */
  static List<String[]> parseRules(List<String> entries, List<String> problems) {
    List<String[]> out = new ArrayList<>();
    for (String e : entries) {
      int arrow = e.indexOf("=>");
      String glob = arrow < 0 ? "" : e.substring(0, arrow).trim();
      String route = arrow < 0 ? "" : e.substring(arrow + 2).trim();
      if (glob.isEmpty() || route.isEmpty()) {
        problems.add(
            "servlet.name-rules: ignoring '" + e + "': expected <path glob>=><route>, e.g. /api/users/*=>/api/users/{name}");
        continue;
      }
      out.add(new String[] {glob, route.startsWith("/") ? route : "/" + route});
    }
    return out;
  }

  /**
   * The operation id of a finished request, or {@link #EXCLUDED}.
   *
   * @param route the framework route attribute or null (its {@code toString()} is the template)
   */
  int idOf(String method, String uri, String contextPath, Object route, int status) {
    MethodSlot slot = slots[methodIndex(method)];
    PathInfo info = null;
    if (pathRules) {
      info = pathInfo(uri);
      if (info.excluded) {
        return EXCLUDED;
      }
      if (info.ruleRoute != null) {
        return slot.idOfRoute(info.ruleRoute);
      }
    }
    if (route != null) {
      String template = route.toString();
      if (!(status == 404 && template.endsWith("**"))) {
        return slot.idOfTemplate(contextPath == null ? "" : contextPath, template);
      }
    }
    if (status == 404) {
      return slot.unmatchedId();
    }
    if (info == null) {
      info = pathInfo(uri);
    }
    return slot.idOfRoute(info.normalized);
  }

  /**
   * The request path as events may show it: {@link PathNormalizer#normalize normalised}, so that
   * path parameters, an encoded query string and variable segments never reach an output, or the
   * route of the {@code servlet.name-rules} entry that matches it. Cached like the paths of {@link
   * #idOf}; for slow requests only.
   */
  String normalizedPath(String uri) {
    return pathInfo(uri).normalized;
  }

  private PathInfo pathInfo(String uri) {
    String key = uri == null ? "" : uri;
    PathInfo info = paths.get(key);
    if (info != null) {
      return info;
    }
    info = analyse(key);
    if (paths.size() < CACHE_LIMIT) {
      paths.putIfAbsent(key, info);
    }
    return info;
  }

  private PathInfo analyse(String uri) {
    String normalized = PathNormalizer.normalize(uri);
    if (!pathRules) {
      return new PathInfo(false, null, normalized);
    }
    String plain = PathNormalizer.plainPath(uri);
    for (String glob : excludes) {
      if (Globs.matches(glob, plain)) {
        return new PathInfo(true, null, normalized);
      }
    }
    for (String[] rule : rules) {
      if (Globs.matches(rule[0], plain)) {
        // The rule's route stands for the path in events too: a rule is how users hide segments
        // that the normaliser keeps (/reset/correct-horse-battery-staple).
        return new PathInfo(false, rule[1], rule[1]);
      }
    }
    return new PathInfo(false, null, normalized);
  }

  static int methodIndex(String method) {
    if (method == null) {
      return METHODS.length - 1;
    }
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "DELETE" -> 4;
      case "PATCH" -> 5;
      case "OPTIONS" -> 6;
      case "TRACE" -> 7;
      case "CONNECT" -> 8;
      default -> METHODS.length - 1;
    };
  }

  private static final class PathInfo {
    final boolean excluded;
    final String ruleRoute;
    final String normalized;

    PathInfo(boolean excluded, String ruleRoute, String normalized) {
      this.excluded = excluded;
      this.ruleRoute = ruleRoute;
      this.normalized = normalized;
    }
  }

  /** The ids of one HTTP method's routes. */
  private final class MethodSlot {
    final String method;
    final ConcurrentHashMap<String, Integer> byRoute = new ConcurrentHashMap<>();
    /** Context path to (template to id). */
    final ConcurrentHashMap<String, ConcurrentHashMap<String, Integer>> byTemplate =
        new ConcurrentHashMap<>();
    volatile int unmatched = -1;

    MethodSlot(String method) {
      this.method = method;
    }

    int unmatchedId() {
      int id = unmatched;
      if (id < 0) {
        id = register(UNMATCHED);
        unmatched = id;
      }
      return id;
    }

    int idOfRoute(String route) {
      Integer id = byRoute.get(route);
      if (id != null) {
        return id;
      }
      int fresh = register(route);
      if (byRoute.size() < CACHE_LIMIT) {
        byRoute.putIfAbsent(route, fresh);
      }
      return fresh;
    }

    int idOfTemplate(String contextPath, String template) {
      ConcurrentHashMap<String, Integer> m = byTemplate.get(contextPath);
      if (m == null) {
        if (byTemplate.size() >= CACHE_LIMIT) {
          return register(join(contextPath, template));
        }
        m = byTemplate.computeIfAbsent(contextPath, k -> new ConcurrentHashMap<>());
      }
      Integer id = m.get(template);
      if (id != null) {
        return id;
      }
      int fresh = register(join(contextPath, template));
      if (m.size() < CACHE_LIMIT) {
        m.putIfAbsent(template, fresh);
      }
      return fresh;
    }

    private int register(String route) {
      String name = PREFIX + method + " " + route;
      int id = operations.idOf(name);
      operations.describe(id, "kind", "servlet");
      operations.describe(id, "method", method);
      operations.describe(id, "route", route);
      return id;
    }
  }

  private static String join(String contextPath, String template) {
    if (contextPath.isEmpty() || contextPath.equals("/")) {
      return template.startsWith("/") ? template : "/" + template;
    }
    return template.startsWith("/") ? contextPath + template : contextPath + "/" + template;
  }
}
