package dev.perfmon.agent.http;

import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Monitor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The HTTP endpoint's life cycle in the agent: started, moved to another port or address, and
 * stopped as the configuration says ({@link #apply}), never on the {@code premain} path: the
 * server is created on the snapshot thread (after the start-up grace in {@code premain}), so the
 * JDK's server classes load off the application's start-up and its threads are daemons.
 *
 * <p>Failures (no {@code jdk.httpserver} module in the runtime, port taken, address that cannot be
 * bound) are logged as one line each, and everything else goes on. Binding a non-loopback address
 * without {@code http.token} logs a WARN.
 *
 * <p>Thread-safe: {@link #apply} and {@link #stop} come from the attach thread, the start from the
 * snapshot thread; all under this object's lock.
 */
public final class HttpService {
  private final Logger log;
  private final LiveStats live;
  /** The dashboard's last hour; fed by every monitor while the endpoint is configured. */
  private final History history = new History();
  private HttpSettings settings;
  /** The running server, or null. Typed as Object: {@link HttpEndpoint} may not be loadable. */
  private Object endpoint;
  private volatile String url = "";
  /** Bumped by every apply and stop: a scheduled start of an older one does nothing. */
  private int generation;

  /**
   * @param live the figures on request (of the current monitor, replaced on reconfiguration)
   */
  public HttpService(LiveStats live, Logger log) {
    this.log = log;
    this.live = live;
  }

  /** The reader of figures on request that the endpoint uses (for other readers too). */
  public LiveStats live() {
    return live;
  }

  /**
   * Applies {@code s}: nothing when it equals the running settings; otherwise the running server
   * (if any) is stopped at once (its port freed) and, when {@code s} is enabled, a new one is
   * started on {@code monitor}'s thread after {@code after}.
   */
  public synchronized void apply(HttpSettings s, Monitor monitor, Duration after) {
    if (s.enabled()) {
      history.intervalIs(monitor.interval());
      monitor.addTickListener(history); // on the snapshot thread: one point per snapshot
    }
    if (s.equals(settings) && (endpoint != null || !s.enabled())) {
      return;
    }
    stopServer();
    settings = s;
    if (!s.enabled()) {
      return;
    }
    int gen = ++generation;
    monitor.schedule(() -> start(s, gen), after);
  }

  /** Stops the server, freeing its port. */
  public synchronized void stop() {
    generation++;
    stopServer();
    settings = null;
  }

  /** {@code http://host:port/} of the running server, or empty. */
  public String url() {
    return url;
  }

  private void stopServer() {
    if (endpoint != null) {
      ((HttpEndpoint) endpoint).stop();
      log.info("perfmon HTTP endpoint {} stopped", url);
      endpoint = null;
      url = "";
    }
  }

  private synchronized void start(HttpSettings s, int gen) {
    if (gen != generation || endpoint != null) {
      return;
    }
    if (ModuleLayer.boot().findModule("jdk.httpserver").isEmpty()) {
      log.warn(
          "perfmon HTTP endpoint not started: this Java runtime has no jdk.httpserver module (add it with jlink --add-modules jdk.httpserver or java --add-modules jdk.httpserver); everything else goes on");
      return;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(s.host());
    } catch (UnknownHostException | SecurityException e) {
      log.warn("perfmon HTTP endpoint not started: cannot resolve http.host={}; everything else goes on", s.host());
      return;
    }
    long t0 = System.nanoTime();
    try {
      Routes routes = new Routes(live, s.boundsNanos(), s.token(), new Dashboard(history));
      HttpEndpoint e = HttpEndpoint.start(new InetSocketAddress(address, s.port()), routes);
      endpoint = e;
      String hostPart = address.getHostAddress().indexOf(':') >= 0 ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
      url = "http://" + hostPart + ":" + e.port() + "/";
      log.info(
          "perfmon HTTP endpoint on {} (/stats, /metrics, dashboard at /){}, started in {} ms",
          url,
          s.token().isEmpty() ? "" : ", bearer token required",
          (System.nanoTime() - t0) / 1_000_000);
      if (!address.isLoopbackAddress() && s.token().isEmpty()) {
        log.warn(
            "perfmon HTTP endpoint listens on {}, which is not a loopback address, without http.token: anyone who can reach it can read the figures; set http.token or bind to 127.0.0.1",
            url);
      }
    } catch (BindException e) {
      log.warn(
          "perfmon HTTP endpoint not started: cannot bind {}:{} ({}: {}; check http.port and http.host); everything else goes on",
          s.host(),
          s.port(),
          e.getMessage() != null && e.getMessage().contains("in use") ? "the port is already in use" : "the address cannot be bound",
          e.getMessage());
    } catch (IOException | RuntimeException | LinkageError e) {
      log.warn("perfmon HTTP endpoint not started: {}; everything else goes on", e.toString());
    }
  }
}
