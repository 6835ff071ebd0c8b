package dev.perfmon.instrumentation.jdbc;

import java.util.Locale;

/** Strips credentials and parameters from JDBC URLs before they are shown anywhere. */
final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * The URL without user info ({@code user:pass@}, Oracle's {@code user/pass@}) and without
   * parameters (everything from the first {@code ?}, {@code ;}, {@code &} or {@code (}). If the
   * remainder still mentions a password, only the {@code jdbc:<subprotocol>:} prefix is kept.
   */
  static String sanitize(String url) {
    if (url == null) {
      return null;
    }
    String u = url;
    int cut = u.length();
    for (char c : new char[] {'?', ';', '&', '('}) {
      int i = u.indexOf(c);
      if (i >= 0 && i < cut) {
        cut = i;
      }
    }
    u = u.substring(0, cut);
    int at = u.lastIndexOf('@');
    if (at >= 0) {
      int slashes = u.lastIndexOf("//", at);
      int start;
      if (slashes >= 0) {
        start = slashes + 2;
      } else {
        int firstSlash = u.indexOf('/');
        int limit = firstSlash >= 0 && firstSlash < at ? firstSlash : at;
        start = u.lastIndexOf(':', limit) + 1;
      }
      if (start >= 0 && start <= at) {
        u = u.substring(0, start) + u.substring(at + 1);
      }
    }
    if (u.toLowerCase(Locale.ROOT).contains("password")) {
      return prefix(u);
    }
    return u;
  }

  private static String prefix(String u) {
    int first = u.indexOf(':');
    int second = first < 0 ? -1 : u.indexOf(':', first + 1);
    return second < 0 ? "jdbc:" : u.substring(0, second + 1);
  }
}
