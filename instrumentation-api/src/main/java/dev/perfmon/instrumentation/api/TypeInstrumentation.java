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
   * A test on the class file's header that is true for every type {@link #typeMatcher()} matches,
   * asked before Byte Buddy describes a class being loaded (see {@link ClassFileTest}). The default
   * passes every class, so that Byte Buddy parses every class loaded: give one whenever the type
   * matcher can be decided on the name, the access flags or the super types.
   */
  default ClassFileTest classFileTest() {
    return ClassFileTest.ANY;
  }

  /** Applies advice to methods of a matched type. */
  void transform(Transformer transformer);
}
