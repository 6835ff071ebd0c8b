package dev.perfmon.it.api.webapp;

import dev.perfmon.api.OperationStats;
import dev.perfmon.api.PerfMon;
import dev.perfmon.api.PerformanceMonitor;
import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The servlet of the two web applications of {@link dev.perfmon.it.api.TwoWebAppsApp}. Never loaded
 * from the class path: each web application has this class in its {@code WEB-INF/classes} and its
 * own copy of the perfmon-api jar in {@code WEB-INF/lib}, so each uses its own {@code PerfMon}.
 *
 * <p>{@code GET /work} times {@code shared.work} (a name both applications use) and {@code
 * <context>.own} (a scope per application), and answers {@code <identity of its PerfMon class>
 * <name of PerfMon's class loader class> <shared.work count> <own count> <own scope's names>}, as
 * the API reports them.
 */
public final class ApiServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String app = req.getContextPath().substring(1);
    PerformanceMonitor m = PerfMon.monitor();
    PerformanceMonitor own = m.scope(app);
    int answer = m.trackOperation("shared.work", () -> 6 * 7);
    own.trackOperation("own", () -> {});
    OperationStats shared = m.getStats("shared.work");
    OperationStats mine = own.getStats("own");
    resp.setContentType("text/plain");
    resp.getWriter()
        .print(
            System.identityHashCode(PerfMon.class)
                + " "
                + PerfMon.class.getClassLoader().getClass().getSimpleName()
                + " "
                + (shared == null ? -1 : shared.count())
                + " "
                + (mine == null ? -1 : mine.count())
                + " "
                + own.getStats().keySet()
                + " "
                + answer);
  }
}
