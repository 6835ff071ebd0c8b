package dev.perfmon.agent.http;

import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Durations;
import dev.perfmon.config.Keys;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the HTTP endpoint is asked to be: the port ({@code -1}: off), the address, the token
 * (empty: none) and the histogram bounds. Two equal settings need no restart of the server.
 *
 * <p>Immutable. {@link #toString()} never shows the token.
 */
public final class HttpSettings {
  private final int port;
  private final String host;
  private final String token;
  private final long[] boundsNanos;

  HttpSettings(int port, String host, String token, long[] boundsNanos) {
    this.port = port;
    this.host = host;
    this.token = token;
    this.boundsNanos = boundsNanos.clone();
  }

  /** The settings of {@code config}. */
  public static HttpSettings of(AgentConfig config) {
    List<String> b = config.get(Keys.METRICS_BUCKETS);
    long[] bounds = new long[b.size()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = Durations.parse(b.get(i)).toNanos();
    }
    return new HttpSettings(
        config.get(Keys.HTTP_PORT).orElse(-1), config.get(Keys.HTTP_HOST), config.get(Keys.HTTP_TOKEN), bounds);
  }

  boolean enabled() {
    return port >= 0;
  }

  int port() {
    return port;
  }

  String host() {
    return host;
  }

  String token() {
    return token;
  }

  long[] boundsNanos() {
    return boundsNanos.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpSettings s
        && s.port == port
        && s.host.equals(host)
        && s.token.equals(token)
        && Arrays.equals(s.boundsNanos, boundsNanos);
  }

  @Override
  public int hashCode() {
    return Objects.hash(port, host, token.length(), Arrays.hashCode(boundsNanos));
  }

  @Override
  public String toString() {
    return "http.host=" + host + ", http.port=" + port + (token.isEmpty() ? "" : ", http.token=****");
  }
}
