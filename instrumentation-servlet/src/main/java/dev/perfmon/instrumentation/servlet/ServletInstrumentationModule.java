package dev.perfmon.instrumentation.servlet;

import dev.perfmon.bootstrap.servlet.ServletHooks;
import dev.perfmon.bootstrap.servlet.StatusCounters;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Keys;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.InstrumentationModule;
import dev.perfmon.instrumentation.api.TypeInstrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjLongConsumer;
import net.bytebuddy.matcher.ElementMatcher;
import org.slf4j.Logger;

/**
 * Times every HTTP request served through the Servlet API, javax (3.0-4.0) and jakarta (5.0-6.1),
 * as one operation named {@code servlet.<METHOD> <route>} (see {@link ServletNaming}).
 */
public final class ServletInstrumentationModule implements InstrumentationModule {
  @Override
  public String name() {
    return "servlet";
  }

  @Override
  public ElementMatcher<ClassLoader> classLoaderMatcher() {
    return ServletMatchers.seesServletApi();
  }

  @Override
  public List<TypeInstrumentation> typeInstrumentations() {
    return List.of(new JavaxServletInstrumentation(), new JakartaServletInstrumentation());
  }

  @Override
  public void start(AgentContext context) {
    // The agent's logger, from the context: SLF4J's LoggerFactory would follow the host's
    // -Dslf4j.provider (see AgentContext#log). It initialises SLF4J only when a line is logged.
    Logger log = context.log();
    try {
      AgentConfig config = context.config();
      if (!config.get(Keys.INSTRUMENT_SERVLET)) {
        return;
      }
      List<String> problems = new ArrayList<>();
      List<String[]> rules = ServletNaming.parseRules(config.get(Keys.SERVLET_NAME_RULES), problems);
      for (String p : problems) {
        log.warn(p);
      }
      ServletNaming naming =
          new ServletNaming(context.operations(), config.get(Keys.SERVLET_EXCLUDE), rules);
      ServletHooks.setHandler(new ServletRequestHandler(naming));
    } catch (RuntimeException | LinkageError e) {
      log.warn("servlet instrumentation not started: {}", e.toString());
    }
  }

  @Override
  public void stop() {
    ServletHooks.setHandler(null);
  }

  /**
   * {@code status2xx}, {@code status3xx}, {@code status4xx} and {@code status5xx} of a servlet
   * operation: all four (zeros included, so that every servlet operation has the same fields) once
   * the operation has counted any response; nothing for other operations.
   */
  @Override
  public void readCounters(int operationId, ObjLongConsumer<String> sink) {
    long[] counts = new long[4];
    if (StatusCounters.read(operationId, counts)) {
      for (int c = 0; c < 4; c++) {
        sink.accept(StatusCounters.fieldName(c), counts[c]);
      }
    }
  }
}
