package dev.perfmon.instrumentation.api;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Receives the advice of a {@link TypeInstrumentation}; implemented by the agent. */
public interface Transformer {
  /**
   * Weaves the advice class named {@code adviceClassName} (by name, so the agent class loader never
   * loads it; usually {@code getClass().getName() + "$SomeAdvice"}) around the matching methods.
   * The agent adds the exception handler that counts suppressed advice errors.
   */
  void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName);
}
