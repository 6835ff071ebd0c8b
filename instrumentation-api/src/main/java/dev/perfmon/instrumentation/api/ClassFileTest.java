package dev.perfmon.instrumentation.api;

/**
 * A test on a class file's {@link ClassHeader} that is true for every class a type
 * instrumentation's type matcher can match (it may be true for others too). The agent's
 * transformer asks it before Byte Buddy describes the class being loaded: a class for which every
 * transformation's test is false is left alone without being parsed.
 *
 * <p>Must be cheap, must not load classes, and must never be false for a class that the type
 * matcher would match: that class would not be instrumented. It may read super types' class files
 * through {@code loader} (see {@link SuperTypeMask}).
 */
@FunctionalInterface
public interface ClassFileTest {
  /**
   * Whether the type matcher could match the class of {@code header}.
   *
   * @param header the class being loaded or retransformed
   * @param loader its class loader (null: the bootstrap loader)
   */
  boolean mayMatch(ClassHeader header, ClassLoader loader);

  /** No test: every class goes to the type matcher. */
  ClassFileTest ANY = (header, loader) -> true;
}
