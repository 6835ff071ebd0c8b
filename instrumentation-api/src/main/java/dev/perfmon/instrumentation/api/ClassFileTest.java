package dev.perfmon.instrumentation.api;

/**
 * A test on a class file's {@link ClassHeader} that is true for every class a type
 * instrumentation's transformation can change (it may be true for others too). The agent's
 * transformer asks it before Byte Buddy describes the class being loaded: a class for which every
 * transformation's test is false is left alone without being parsed.
 *
 * <p>Must be cheap, must not load classes, and must never be false for a class that the
 * transformation would change: that class would not be instrumented. It may read super types'
 * class files through {@code loader} (see {@link SuperTypeMask}).
 */
@FunctionalInterface
public interface ClassFileTest {
  /**
   * Whether the transformation could change the class of {@code header}.
   *
   * @param header the class being loaded or retransformed (its whole class file)
   * @param loader its class loader (null: the bootstrap loader)
   */
  boolean mayMatch(ClassHeader header, ClassLoader loader);

  /** No test: every class goes to the type matcher. */
  ClassFileTest ANY =
      new ClassFileTest() { // not a lambda: see package-info
        @Override
        public boolean mayMatch(ClassHeader header, ClassLoader loader) {
          return true;
        }
      };

  /**
   * True for classes that declare a method named one of {@code names}, then as {@code test}: for
   * a type instrumentation whose advice goes on methods of those names only ({@link
   * TypeInstrumentation#adviceMethodNames}), which changes nothing in a class that declares none
   * of them, whatever its super types. The name test reads no other class file, so it goes first.
   */
  static ClassFileTest declaringMethodNamed(String[] names, ClassFileTest test) {
    byte[][] utf8 = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      utf8[i] = ClassHeader.utf8(names[i]);
    }
    return new ClassFileTest() { // not a lambda: see package-info
      @Override
      public boolean mayMatch(ClassHeader header, ClassLoader loader) {
        return header.declaresMethodNamed(utf8) && test.mayMatch(header, loader);
      }
    };
  }
}
