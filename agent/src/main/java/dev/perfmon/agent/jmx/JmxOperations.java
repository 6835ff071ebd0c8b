package dev.perfmon.agent.jmx;

import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;

/**
 * Registers each operation as an {@link OperationMXBean} ({@code
 * dev.perfmon:type=Operation,name="<operation>"}) in the platform MBean server. Registration is
 * lazy and off {@code premain}: on the snapshot thread, after each snapshot, for the operations
 * that snapshot lists and that have no bean yet; so at most {@code max-operations} beans. {@link
 * #close()} (detach, or {@code jmx=false} on a reconfiguration) unregisters them all.
 *
 * <p>The platform MBean server is touched only at the first snapshot after the JVM started, never
 * before {@code main}. A failure is logged once and the agent goes on without JMX.
 *
 * <p>Thread-safe: registration on the snapshot thread, close on the attach thread, under this
 * object's lock.
 */
public final class JmxOperations implements Monitor.TickListener {
  /** The domain and type of the beans. */
  public static final String PREFIX = "dev.perfmon:type=Operation,name=";

  private final LiveStats live;
  private final Logger log;
  private final int cap;
  private final Map<String, ObjectName> registered = new LinkedHashMap<>();
  private MBeanServer server;
  private boolean failed;
  private boolean closed;

  public JmxOperations(LiveStats live, int cap, Logger log) {
    this.live = live;
    this.cap = cap;
    this.log = log;
  }

  /** The object name of {@code operation}'s bean. */
  public static ObjectName nameOf(String operation) throws javax.management.MalformedObjectNameException {
    return new ObjectName(PREFIX + ObjectName.quote(operation));
  }

  @Override
  public synchronized void onTick(Monitor monitor, Snapshot snapshot) {
    if (closed || failed || monitor.isClosing()) {
      return;
    }
    try {
      for (Snapshot.Operation op : snapshot.operations()) {
        if (registered.size() >= cap) {
          break;
        }
        if (registered.containsKey(op.name())) {
          continue;
        }
        if (server == null) {
          server = ManagementFactory.getPlatformMBeanServer();
        }
        ObjectName name = nameOf(op.name());
        if (!server.isRegistered(name)) {
          server.registerMBean(new OperationBean(op.name(), live), name);
        }
        registered.put(op.name(), name);
      }
    } catch (Exception | LinkageError e) {
      failed = true;
      log.warn("perfmon JMX beans not registered ({}); everything else goes on", e.toString());
    }
  }

  /** The number of beans registered. */
  public synchronized int size() {
    return registered.size();
  }

  /** Unregisters every bean; no more are registered. */
  public synchronized void close() {
    closed = true;
    for (ObjectName n : registered.values()) {
      try {
        server.unregisterMBean(n);
      } catch (Exception e) {
        // already gone
      }
    }
    registered.clear();
  }
}
