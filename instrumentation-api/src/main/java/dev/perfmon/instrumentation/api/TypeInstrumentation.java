package dev.perfmon.instrumentation.api;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The advice applied to the types of one kind (e.g. implementations of java.sql.Statement). */
public interface TypeInstrumentation {
  /**
   * Which types to transform. Put a cheap name-only pre-filter in front of any hierarchy matcher,
   * refer to library types by name ({@code named("java.sql.Statement")}), never by class literal.
   */
  ElementMatcher<TypeDescription> typeMatcher();

  /**
   * A test on the class file's header that is true for every type {@link #typeMatcher()} matches
   * (the agent puts the test of {@link #adviceMethodNames} in front of it), asked before Byte
   * Buddy describes a class being loaded (see {@link ClassFileTest}). The default
   * passes every class, so that Byte Buddy parses every class loaded: give one whenever the type
   * matcher can be decided on the name, the access flags or the super types.
   */
  default ClassFileTest classFileTest() {
    return ClassFileTest.ANY;
  }

  /**
   * The names of the only methods {@link #transform}'s advice can go on, or null when they are
   * not known in advance. A class that declares no method of these names is then left alone on
   * its class file's method table, before its super types are looked at (whatever they are, the
   * transformation would change nothing in it): most classes of an application implement no
   * interface of interest and never get that far. Must list every name the advice's method
   * matchers can match.
   */
  default String[] adviceMethodNames() {
    return null;
  }

  /** Applies advice to methods of a matched type. */
  void transform(Transformer transformer);
}
