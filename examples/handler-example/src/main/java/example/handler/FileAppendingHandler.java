package example.handler;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.BudgetViolationHandler;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.MemoryWarningHandler;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SlowOperationHandler;
import dev.perfmon.api.SnapshotHandler;
import dev.perfmon.api.SnapshotView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * An example perfmon-agent event handler: appends one tab-separated line per event to the file
 * named by the system property {@code example.handler.file} or the environment variable {@code
 * EXAMPLE_HANDLER_FILE} (default {@code perfmon-events.txt} in the working directory).
 *
 * <pre>
 * slow            servlet.GET /owners/{id}  1523.4 ms  very-slow  http-nio-8080-exec-1  {route=..., status=200}
 * budget          jdbc.SELECT ...           p95 81.2 ms > 50.0 ms (1.62x)
 * memory-warning  heap-used                 312.0 MB
 * snapshot        4 operations, 2 slow, 1 budget violations
 * </pre>
 *
 * <p>The agent calls each handler on its own thread, one event at a time; this class is listed under
 * all four handler interfaces in {@code META-INF/services}, and the agent creates one instance of it.
 */
public final class FileAppendingHandler
    implements SlowOperationHandler, BudgetViolationHandler, MemoryWarningHandler, SnapshotHandler {
  private final Path file;

  public FileAppendingHandler() {
    String name = System.getProperty("example.handler.file");
    if (name == null || name.isBlank()) {
      name = System.getenv("EXAMPLE_HANDLER_FILE");
    }
    this.file = Path.of(name == null || name.isBlank() ? "perfmon-events.txt" : name);
  }

  @Override
  public void onSlowOperation(SlowOperationEvent e) throws IOException {
    append("slow", e.operation(), ms(e.duration().toNanos()), e.severity().label(), e.thread(), e.metadata().toString());
  }

  @Override
  public void onBudgetViolation(BudgetViolation v) throws IOException {
    append(
        "budget",
        v.operation(),
        String.format(Locale.ROOT, "p%s %s > %s (%.2fx)", trim(v.percentile() * 100), ms(v.actual().toNanos()), ms(v.budget().toNanos()), v.severity()));
  }

  @Override
  public void onMemoryWarning(MemoryWarning w) throws IOException {
    append("memory-warning", w.reason().label(), String.format(Locale.ROOT, "%.1f MB", w.heapUsedBytes() / 1048576.0));
  }

  @Override
  public void onSnapshot(SnapshotView s) throws IOException {
    append(
        "snapshot",
        s.operations().size() + " operations, " + s.slowOperations().size() + " slow, "
            + s.budgetViolations().size() + " budget violations");
  }

  private void append(String... fields) throws IOException {
    String line = String.join("\t", fields).replace('\n', ' ') + "\n";
    Files.writeString(
        file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
