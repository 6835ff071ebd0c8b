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

  /** Applies advice to methods of a matched type. */
  void transform(Transformer transformer);
}
