package dev.perfmon.instrumentation.servlet;

import dev.perfmon.bootstrap.CallDetails;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.bootstrap.servlet.ServletHooks;
import dev.perfmon.bootstrap.servlet.StatusCounters;

/**
 * The agent-side receiver of finished requests: names them ({@link ServletNaming}), records the
 * duration and outcome ({@link PerfMon#recordNanos}) and the status class ({@link StatusCounters}),
 * and hands asynchronous requests to {@link AsyncRequests}.
 *
 * <p>Outcome: error when the request threw (or its async context timed out or failed) or the final
 * status is 500 or above. A request that threw counts as 5xx: the container turns it into a 500.
 */
final class ServletRequestHandler implements ServletHooks.Handler {
  private final ServletNaming naming;

  ServletRequestHandler(ServletNaming naming) {
    this.naming = naming;
  }

  @Override
  public void onExit(
      String method,
      String uri,
      String contextPath,
      Object route,
      int status,
      long nanos,
      boolean thrown) {
    int id = naming.idOf(method, uri, contextPath, route, status);
    if (id == ServletNaming.EXCLUDED) {
      return;
    }
    boolean error = thrown || status >= 500;
    // Per-call details for the slow-call event, only for a call that will be reported as slow:
    // a fast request pays this one comparison and allocates nothing. The path is the normalised
    // one: the raw URI may carry session ids, encoded query strings and tokens.
    OperationRecorder r = Recorders.get(id);
    boolean slow = r != null && nanos >= r.slowThresholdNanos();
    if (slow) {
      CallDetails.put(
          id,
          new String[] {
            "path", naming.normalizedPath(uri), "status", Integer.toString(thrown && status < 500 ? 500 : status)
          });
    }
    PerfMon.recordNanos(id, nanos, error);
    if (slow) {
      CallDetails.clear();
    }
    StatusCounters.increment(id, thrown ? StatusCounters.CLASS_5XX : StatusCounters.classOf(status));
  }

  @Override
  public boolean onAsync(
      Class<?> listenerType,
      Object request,
      Object response,
      String method,
      String uri,
      String contextPath,
      long startNanos) {
    return AsyncRequests.register(
        this, listenerType, request, response, method, uri, contextPath, startNanos);
  }
}
