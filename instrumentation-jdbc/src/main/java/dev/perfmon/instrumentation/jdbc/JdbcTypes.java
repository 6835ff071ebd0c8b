package dev.perfmon.instrumentation.jdbc;

import java.lang.ref.WeakReference;
import java.util.Map;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type matching for JDBC implementations, which can have any name in any class loader.
 *
 * <p>Cost control: (1) a name pre-filter rejects packages that never implement JDBC (the JDK apart
 * from java.sql/javax.sql, common frameworks and libraries) before any hierarchy is read; (2) the
 * hierarchy walk stops at JDK types, whose JDBC relations are known by name, so it never reads a
 * JDK class file; (3) the one walk computes a bit mask of every JDBC interface the type implements,
 * and the mask of the last type is memoised per thread, so the several JDBC type matchers evaluated
 * for one loaded class share a single walk; (4) unresolvable super types (missing optional
 * dependencies) are skipped rather than failing the match.
 *
 * <p>Thread-safe; the memo holds the last type only weakly.
 */
final class JdbcTypes {
  static final int STATEMENT = 1;
  static final int PREPARED_STATEMENT = 2;
  static final int CONNECTION = 4;
  static final int DATA_SOURCE = 8;

  private static final Map<String, Integer> KNOWN =
      Map.of(
          "java.sql.Statement", STATEMENT,
          "java.sql.PreparedStatement", STATEMENT | PREPARED_STATEMENT,
          "java.sql.CallableStatement", STATEMENT | PREPARED_STATEMENT,
          "java.sql.Connection", CONNECTION,
          "javax.sql.DataSource", DATA_SOURCE);

  /** Packages that never hold JDBC implementations. */
  private static final String[] IRRELEVANT = {
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "kotlinx.", "scala.", "groovy.",
    "org.codehaus.groovy.", "org.junit.", "junit.", "org.opentest4j.", "org.apiguardian.",
    "org.assertj.", "org.hamcrest.", "org.mockito.", "org.apache.maven.", "org.gradle.",
    "com.fasterxml.jackson.", "com.google.gson.", "com.google.common.", "com.google.protobuf.",
    "org.slf4j.", "ch.qos.logback.", "org.apache.logging.log4j.", "org.apache.log4j.",
    "io.netty.", "reactor.core.", "io.micrometer.", "org.eclipse.jetty.", "org.apache.catalina.",
    "org.apache.coyote.", "org.apache.tomcat.util.", "io.undertow.", "org.objectweb.asm.",
    "org.jboss.logging.", "org.yaml.snakeyaml.", "jakarta.servlet.", "jakarta.annotation.",
    "org.apache.commons.lang3.", "org.apache.commons.io.", "io.opentelemetry.", "org.HdrHistogram."
  };

  private static final int MAX_DEPTH = 32;

  /** Hierarchy walks done and walks saved by the memo (diagnostics and tests). */
  static final java.util.concurrent.atomic.LongAdder WALKS = new java.util.concurrent.atomic.LongAdder();

  static final java.util.concurrent.atomic.LongAdder MEMO_HITS =
      new java.util.concurrent.atomic.LongAdder();

  private static final ThreadLocal<Memo> MEMO =
      new ThreadLocal<Memo>() {
        @Override
        protected Memo initialValue() {
          return new Memo();
        }
      };

  private JdbcTypes() {}

  /** Matches classes (not interfaces) implementing every interface bit in {@code bits}. */
  static ElementMatcher.Junction<TypeDescription> implementing(int bits) {
    return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
      @Override
      public boolean matches(TypeDescription target) {
        return !target.isInterface() && (mask(target) & bits) == bits;
      }

      @Override
      public String toString() {
        return "implementsJdbc(" + bits + ")";
      }
    };
  }

  /** The JDBC interfaces {@code type} implements, as a bit mask. */
  static int mask(TypeDescription type) {
    String name = type.getName();
    if (irrelevant(name)) {
      return 0;
    }
    Memo memo = MEMO.get();
    if (memo.type.get() == type) {
      MEMO_HITS.increment();
      return memo.mask;
    }
    WALKS.increment();
    int m = walk(type, 0);
    memo.type = new WeakReference<>(type);
    memo.mask = m;
    return m;
  }

  static boolean irrelevant(String name) {
    for (String p : IRRELEVANT) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static int walk(TypeDefinition type, int depth) {
    if (depth > MAX_DEPTH) {
      return 0;
    }
    int m = 0;
    try {
      for (TypeDescription.Generic i : type.getInterfaces()) {
        m |= of(i, depth);
      }
    } catch (Throwable t) {
      // unresolvable interface list: treat as none
    }
    try {
      TypeDescription.Generic sup = type.getSuperClass();
      if (sup != null) {
        m |= of(sup, depth);
      }
    } catch (Throwable t) {
      // unresolvable super class: treat as not JDBC
    }
    return m;
  }

  private static int of(TypeDescription.Generic t, int depth) {
    try {
      TypeDescription erasure = t.asErasure();
      String name = erasure.getName();
      Integer known = KNOWN.get(name);
      if (known != null) {
        return known;
      }
      if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")) {
        return 0;
      }
      return walk(erasure, depth + 1);
    } catch (Throwable e) {
      return 0;
    }
  }

  private static final class Memo {
    WeakReference<TypeDescription> type = new WeakReference<>(null);
    int mask;
  }
}
