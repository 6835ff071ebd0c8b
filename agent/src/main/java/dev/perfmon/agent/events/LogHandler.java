package dev.perfmon.agent.events;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.Severity;
import dev.perfmon.api.SlowOperationEvent;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The built-in {@code log} handler (on by default): one line per event in the agent's log. Slow
 * calls at WARN, very slow calls at ERROR, budget violations and memory warnings at WARN. Runs on
 * the agent's events thread (it only formats a line). Names and values are kept to one line.
 */
final class LogHandler {
  private static final double MB = 1024.0 * 1024.0;
  private final Logger log;

  LogHandler(Logger log) {
    this.log = log;
  }

  void slow(SlowOperationEvent e) {
    String msg = slowMessage(e);
    if (e.severity() == Severity.VERY_SLOW) {
      log.error(msg);
    } else {
      log.warn(msg);
    }
  }

  void budget(BudgetViolation v, Duration interval) {
    log.warn(budgetMessage(v, interval));
  }

  void memory(MemoryWarning w) {
    log.warn(memoryMessage(w));
  }

  static String slowMessage(SlowOperationEvent e) {
    StringBuilder sb = new StringBuilder();
    sb.append(e.severity() == Severity.VERY_SLOW ? "very slow call: " : "slow call: ");
    sb.append(oneLine(e.operation())).append(" took ").append(ms(e.duration()));
    sb.append(" (").append(e.severity().label()).append(" threshold ").append(ms(e.threshold())).append(')');
    if (e.error()) {
      sb.append(", failed");
    }
    sb.append(", thread ").append(oneLine(e.thread()));
    for (Map.Entry<String, String> m : e.metadata().entrySet()) {
      sb.append(", ").append(m.getKey()).append('=').append(oneLine(m.getValue()));
    }
    return sb.toString();
  }

  static String budgetMessage(BudgetViolation v, Duration interval) {
    return "budget exceeded: "
        + oneLine(v.operation())
        + " p"
        + percentileName(v.percentile())
        + " was "
        + ms(v.actual())
        + " over the last "
        + ms(interval)
        + ", budget "
        + ms(v.budget())
        + String.format(Locale.ROOT, " (%.2fx)", v.severity());
  }

  static String memoryMessage(MemoryWarning w) {
    String used = String.format(Locale.ROOT, "%.1f MB", w.heapUsedBytes() / MB);
    String max = w.heapMaxBytes() < 0 ? "undefined" : String.format(Locale.ROOT, "%.1f MB", w.heapMaxBytes() / MB);
    if (w.reason() == MemoryWarning.Reason.HEAP_USED) {
      return String.format(
          Locale.ROOT,
          "heap used %s reached memory.warn.heap-used %.1f MB (max %s); warns again after dropping below %.1f MB",
          used, w.limit() / MB, max, w.limit() * MemoryWatch.REARM / MB);
    }
    return String.format(
        Locale.ROOT,
        "heap used %s is %.1f%% of the maximum %s, reaching memory.warn.heap-ratio %s; warns again after dropping below %.1f%%",
        used, 100.0 * w.heapUsedBytes() / w.heapMaxBytes(), max, trim(w.limit()), 100 * w.limit() * MemoryWatch.REARM);
  }

  /** A percentile (0 to 1) by its name: 0.95 is "95", 0.999 is "99.9", 0.5 is "50". */
  static String percentileName(double p) {
    return trim(p * 100);
  }

  /**
   * {@code v} to at most 8 decimals, without trailing zeros: 0.9 is "0.9", 99.89999999999999 is
   * "99.9", 95.0 is "95". Without {@code BigDecimal} for the usual values: this runs in {@code
   * premain} (the budgets' start-up line), and {@code BigDecimal}'s class initialiser allocates about
   * 2 MB on Java 25.
   */
  static String trim(double v) {
    String s = Double.toString(Math.round(v * 1e8) / 1e8);
    if (s.indexOf('E') >= 0) { // below 0.001 or from 10^7: Double.toString writes an exponent
      return new java.math.BigDecimal(s).stripTrailingZeros().toPlainString();
    }
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  static String ms(Duration d) {
    double ms = d.toNanos() / 1e6;
    if (ms >= 100) {
      return String.format(Locale.ROOT, "%.0f ms", ms);
    }
    if (ms >= 1) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    return String.format(Locale.ROOT, "%.4f ms", ms);
  }

  private static String oneLine(String s) {
    String t = s.length() > 300 ? s.substring(0, 300) + "..." : s;
    return t.replace('\n', ' ').replace('\r', ' ');
  }
}
