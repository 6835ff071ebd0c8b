package dev.perfmon.agent.http;

import dev.perfmon.agent.jmx.JmxOperations;
import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Keys;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The agent's readers on request, as one part of the running agent: the HTTP endpoint ({@link
 * HttpService}) and the operations' MXBeans ({@link JmxOperations}), sharing one {@link
 * LiveStats}. They outlive reconfigurations and are closed by a detach.
 *
 * <p>Nothing of them is created on the {@code premain} path: the endpoint only when {@code
 * http.port} is set (and then started on the snapshot thread), the MXBeans at the first snapshot
 * (on the snapshot thread). With both off, {@link #apply} costs a key look-up.
 *
 * <p>Thread-safe.
 */
public final class LiveViews {
  private final Supplier<Monitor> monitor;
  private final int maxOperations;
  private final Logger log;
  private LiveStats live;
  private volatile HttpService http;
  private JmxOperations jmx;
  private boolean jmxOn;

  public LiveViews(Supplier<Monitor> monitor, int maxOperations, Logger log) {
    this.monitor = monitor;
    this.maxOperations = maxOperations;
    this.log = log;
  }

  private synchronized LiveStats live() {
    if (live == null) {
      live = new LiveStats(monitor, true);
    }
    return live;
  }

  /**
   * Applies {@code cfg} with {@code m}, the new monitor (not started yet): the endpoint is started,
   * moved or stopped ({@code httpAfter}: when to start it on the snapshot thread), the MXBeans kept,
   * registered from the next snapshot on, or removed.
   */
  public void apply(AgentConfig cfg, Monitor m, Duration httpAfter) {
    if (cfg.get(Keys.HTTP_PORT).isPresent() || http != null) {
      HttpService h;
      synchronized (this) {
        if (http == null) {
          http = new HttpService(live(), log);
        }
        h = http;
      }
      h.apply(HttpSettings.of(cfg), m, httpAfter);
    }
    boolean on = cfg.get(Keys.JMX);
    synchronized (this) {
      jmxOn = on;
      if (!on && jmx != null) {
        jmx.close();
        jmx = null;
      }
    }
    if (on) {
      m.addTickListener(
          new Monitor.TickListener() { // not a method reference: see AgentRuntime
            @Override
            public void onTick(Monitor monitor, Snapshot snapshot) {
              jmxTick(monitor, snapshot);
            }
          });
    }
  }

  /** On the snapshot thread: the beans of the operations of {@code s} (created at the first). */
  private void jmxTick(Monitor m, Snapshot s) {
    if (m.isClosing()) {
      return; // the final snapshot (exit, detach, reconfiguration): no beans for it
    }
    JmxOperations j;
    synchronized (this) {
      if (!jmxOn) {
        return;
      }
      if (jmx == null) {
        jmx = new JmxOperations(live(), maxOperations, log);
      }
      j = jmx;
    }
    j.onTick(m, s);
  }

  /** {@code http://host:port/} of the running endpoint, or empty. */
  public String httpUrl() {
    HttpService h = http;
    return h == null ? "" : h.url();
  }

  /** Stops the endpoint (freeing its port) and unregisters the MXBeans. */
  public void close() {
    HttpService h;
    JmxOperations j;
    synchronized (this) {
      jmxOn = false;
      h = http;
      j = jmx;
      jmx = null;
    }
    if (h != null) {
      h.stop();
    }
    if (j != null) {
      j.close();
    }
  }
}
