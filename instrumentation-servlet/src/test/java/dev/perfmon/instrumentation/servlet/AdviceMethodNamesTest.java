package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.instrumentation.api.TypeInstrumentation;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The servlet instrumentations' {@code adviceMethodNames} list every name their advice's method
 * matchers can match (a class declaring none of them is left alone before its super types are
 * read), and no name that none of them matches. The methods are those of both Servlet APIs and of
 * Tomcat's servlets and filter chain, read from their class files.
 */
class AdviceMethodNamesTest {
  private static final String[] API_TYPES = {
    "Servlet", "GenericServlet", "http.HttpServlet", "Filter", "GenericFilter", "http.HttpFilter", "FilterChain"
  };

  private static final String[] TOMCAT_TYPES = {
    "org.apache.catalina.core.ApplicationFilterChain", "org.apache.catalina.servlets.DefaultServlet"
  };

  @Test
  void everyMatchedMethodNameIsListedAndEveryListedNameIsMatched() throws IOException {
    File javaxApi = new File(System.getProperty("perfmon.test.javaxServletApi"));
    assertThat(javaxApi).exists();
    List<MethodDescription> methods = new ArrayList<>();
    try (ClassFileLocator javax = ClassFileLocator.ForJarFile.of(javaxApi)) {
      TypePool javaxPool =
          TypePool.Default.of(new ClassFileLocator.Compound(javax, ClassFileLocator.ForClassLoader.ofSystemLoader()));
      TypePool jakartaPool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()));
      for (String t : API_TYPES) {
        methods.addAll(javaxPool.describe("javax.servlet." + t).resolve().getDeclaredMethods());
        methods.addAll(jakartaPool.describe("jakarta.servlet." + t).resolve().getDeclaredMethods());
      }
      for (String t : TOMCAT_TYPES) {
        methods.addAll(jakartaPool.describe(t).resolve().getDeclaredMethods());
      }
      int checked = 0;
      for (TypeInstrumentation ti : new ServletInstrumentationModule().typeInstrumentations()) {
        String[] names = ti.adviceMethodNames();
        if (names == null) {
          continue;
        }
        List<ElementMatcher<? super MethodDescription>> matchers = new ArrayList<>();
        ti.transform((m, advice) -> matchers.add(m));
        Set<String> listed = Set.of(names);
        Set<String> matched = new HashSet<>();
        for (MethodDescription d : methods) {
          for (ElementMatcher<? super MethodDescription> matcher : matchers) {
            if (matcher.matches(d)) {
              assertThat(listed).as(ti.getClass().getSimpleName() + " matches " + d).contains(d.getName());
              matched.add(d.getName());
            }
          }
        }
        assertThat(matched)
            .as(ti.getClass().getSimpleName() + ": names no matcher matches")
            .containsExactlyInAnyOrder(names);
        checked++;
      }
      assertThat(checked).isEqualTo(2); // javax and jakarta
    }
  }
}
