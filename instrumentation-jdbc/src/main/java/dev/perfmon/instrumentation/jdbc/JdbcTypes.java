package dev.perfmon.instrumentation.jdbc;

import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.NamePrefixes;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Type matching for JDBC implementations, which can have any name in any class loader.
 *
 * <p>A {@link SuperTypeMask}: a name pre-filter rejects packages that never implement JDBC (the JDK
 * apart from java.sql/javax.sql, common frameworks and libraries) before any hierarchy is read; the
 * walk stops at JDK types, whose JDBC relations are known by name; one walk per loaded class
 * computes the bit mask of every JDBC interface it implements, for all four matchers.
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

  /**
   * One walk per loaded class, shared by the four JDBC type matchers and with the servlet
   * instrumentation's matchers.
   */
  private static final SuperTypeMask MASK =
      SuperTypeMask.shared(KNOWN, new String[] {"java.", "javax.", "jdk."}, IRRELEVANT);

  /** Hierarchy walks done and walks saved by the memo (diagnostics and tests). */
  static final LongAdder WALKS = MASK.walks;

  static final LongAdder MEMO_HITS = MASK.memoHits;

  private JdbcTypes() {}

  /** Matches classes (not interfaces) implementing every interface bit in {@code bits}. */
  static ElementMatcher.Junction<TypeDescription> implementing(int bits) {
    return MASK.implementingAll(bits);
  }

  /** {@link #implementing}'s test on the class file, before Byte Buddy describes a class. */
  static ClassFileTest implementingClassFile(int bits) {
    return MASK.classFileTest(bits, true);
  }

  /** The JDBC interfaces {@code type} implements, as a bit mask. */
  static int mask(TypeDescription type) {
    return MASK.mask(type);
  }

  private static final NamePrefixes IRRELEVANT_NAMES = NamePrefixes.of(IRRELEVANT);

  static boolean irrelevant(String name) {
    return IRRELEVANT_NAMES.matches(name);
  }
}
