package dev.perfmon.agent.weave;

import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.SnapshotJson;
import dev.perfmon.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the method patterns matched: the {@code instrumentation} line of the output (after
 * start-up, and again whenever more classes were woven) with one INFO line per pattern, and one
 * warning per pattern that matched nothing once {@code pattern.warn-after} has passed.
 */
public final class CoverageReport {
  private final Monitor monitor;
  private final Coverage coverage;
  private final Logger log;
  private final Supplier<List<String>> loadedClassNames;

  /**
   * @param loadedClassNames the names of the loaded classes, asked for only when a pattern matched
   *     nothing (for the nested-class hint)
   */
  public CoverageReport(Monitor monitor, Coverage coverage, Logger log, Supplier<List<String>> loadedClassNames) {
    this.monitor = monitor;
    this.coverage = coverage;
    this.log = log;
    this.loadedClassNames = loadedClassNames;
  }

  /**
   * Schedules the coverage lines on the monitor's thread: the first after {@code first}, then at
   * each snapshot that follows new weaving; and the unmatched-pattern warning after {@code
   * warnAfter}.
   *
   * @return the warning, to be given the moment as text when the JVM ends before {@code warnAfter}
   *     (it warns at most once)
   */
  public Consumer<String> schedule(Duration first, Duration warnAfter) {
    // Anonymous classes, not lambdas or method references: see AgentRuntime.
    monitor.schedule(
        new Runnable() {
          @Override
          public void run() {
            writeIfChanged();
          }
        },
        first);
    monitor.addTickListener(
        new Monitor.TickListener() {
          @Override
          public void onTick(Monitor mon, dev.perfmon.agent.monitor.Snapshot s) {
            writeIfChanged();
          }
        });
    AtomicBoolean warned = new AtomicBoolean();
    Consumer<String> warning =
        new Consumer<>() {
          @Override
          public void accept(String when) {
            if (warned.compareAndSet(false, true)) {
              warnUnmatched(when);
            }
          }
        };
    monitor.schedule(
        new Runnable() {
          @Override
          public void run() {
            warning.accept(Durations.format(warnAfter) + " after start-up");
          }
        },
        warnAfter);
    return warning;
  }

  private void warnUnmatched(String when) {
    List<String> names = null;
    for (String p : coverage.unmatched()) {
      if (names == null) {
        names = loadedClassNames.get();
      }
      String nested = NestedClassHint.suggest(p, names);
      log.warn(
          "pattern '{}' has matched no method {}: {}",
          p,
          when,
          nested == null
              ? "check the class and method names"
              : "nested classes are written with '$' (the JVM's name): '" + nested + "' names a loaded class");
    }
  }

  private void writeIfChanged() {
    if (!coverage.takeChanged()) {
      return;
    }
    List<Coverage.Entry> entries = coverage.entries();
    monitor.writeLine(
        SnapshotJson.line(
            new SnapshotJson.Body() {
              @Override
              public void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
                g.writeStringField("type", "instrumentation");
                g.writeStringField("timestamp", Instant.now().toString());
                g.writeArrayFieldStart("patterns");
                for (Coverage.Entry e : entries) {
                  g.writeStartObject();
                  g.writeStringField("pattern", e.pattern());
                  g.writeNumberField("classes", e.classes());
                  g.writeNumberField("methods", e.methods());
                  g.writeArrayFieldStart("matched");
                  for (String s : e.listed()) {
                    g.writeString(s);
                  }
                  g.writeEndArray();
                  if (!e.skipped().isEmpty()) {
                    g.writeArrayFieldStart("skipped");
                    for (Coverage.Skip s : e.skipped()) {
                      g.writeStartObject();
                      g.writeStringField("method", s.method());
                      g.writeStringField("reason", s.reason());
                      g.writeNumberField("wovenCodeBytes", s.wovenCodeBytes());
                      g.writeEndObject();
                    }
                    g.writeEndArray();
                  }
                  g.writeEndObject();
                }
                g.writeEndArray();
              }
            }));
    for (Coverage.Entry e : entries) {
      if (e.skipped().isEmpty()) {
        log.info("pattern '{}' matched {} method(s) in {} class(es) so far", e.pattern(), e.methods(), e.classes());
      } else {
        log.info(
            "pattern '{}' matched {} method(s) in {} class(es) so far, {} more left uninstrumented (listed in the instrumentation line)",
            e.pattern(),
            e.methods(),
            e.classes(),
            e.skipped().size());
      }
    }
  }
}
