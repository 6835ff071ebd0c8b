package dev.perfmon.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.config.MethodPattern;
import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.ClassHeader;
import dev.perfmon.instrumentation.api.OperationRegistry;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import example.weave.MatchSamples.Annotated;
import example.weave.MatchSamples.BaseJob;
import example.weave.MatchSamples.Component;
import example.weave.MatchSamples.Job;
import example.weave.MatchSamples.NightlyJob;
import example.weave.MatchSamples.Plain;
import example.weave.MatchSamples.PlainService;
import example.weave.MatchSamples.TimerJob;
import example.weave.MatchSamples.Tracked;
import example.weave.MatchSamples.WithTrackedMethod;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The methods instrumentation's class-file test, asked before Byte Buddy describes a class, never
 * refuses a class that its type matcher accepts, and refuses the others that it can tell apart.
 */
class MethodClassFileTestTest {
  private static final List<Class<?>> CLASSES =
      List.of(
          Job.class, BaseJob.class, NightlyJob.class, TimerJob.class, Annotated.class,
          WithTrackedMethod.class, Plain.class, PlainService.class, Tracked.class);

  private static ClassHeader header(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
      return ClassHeader.of(in.readAllBytes());
    }
  }

  /** The classes of {@link #CLASSES} that the test lets through, checking it against the matcher. */
  private static List<String> passed(List<String> patterns, List<String> annotations) throws IOException {
    List<MethodPattern> parsed = new ArrayList<>();
    for (String p : patterns) {
      parsed.add(MethodPattern.parse(p));
    }
    MethodInstrumentation mi =
        new MethodInstrumentation(
            parsed, annotations, new OperationRegistry(100, name -> {}), new Coverage(patterns, 20), name -> 1.0);
    ElementMatcher<TypeDescription> types = mi.typeMatcher();
    ClassFileTest test = mi.classFileTest();
    ClassLoader loader = MethodClassFileTestTest.class.getClassLoader();
    TypePool pool = TypePool.Default.of(loader);
    List<String> passed = new ArrayList<>();
    for (Class<?> c : CLASSES) {
      boolean matched = types.matches(pool.describe(c.getName()).resolve());
      Object scope = SuperTypeMask.enter(loader);
      boolean may;
      try {
        may = test.mayMatch(header(c), loader);
      } finally {
        SuperTypeMask.exit(scope);
      }
      if (matched) {
        assertThat(may).as(c.getName() + " is matched, so the class-file test must let it through").isTrue();
      }
      if (may) {
        passed.add(c.getSimpleName());
      }
    }
    return passed;
  }

  private static String name(Class<?> c) {
    return c.getName();
  }

  @Test
  void namePatterns() throws IOException {
    String owner = example.weave.MatchSamples.class.getName();
    assertThat(passed(List.of(owner + "$Plain*"), List.of())).containsExactly("Plain", "PlainService");
    assertThat(passed(List.of(owner + "$*#work"), List.of()))
        .as("every class but the annotation type")
        .containsExactlyInAnyOrder("Job", "BaseJob", "NightlyJob", "TimerJob", "Annotated", "WithTrackedMethod", "Plain", "PlainService");
  }

  @Test
  void subtypePatterns() throws IOException {
    assertThat(passed(List.of("+" + name(Job.class) + "#run"), List.of()))
        .containsExactlyInAnyOrder("Job", "BaseJob", "NightlyJob");
    assertThat(passed(List.of("+java.lang.Runnable#run"), List.of()))
        .as("a JDK base type: JDK super types are walked into")
        .containsExactly("TimerJob");
  }

  @Test
  void annotationPatternsAndAnnotations() throws IOException {
    assertThat(passed(List.of("@" + name(Component.class)), List.of())).containsExactly("Annotated");
    assertThat(passed(List.of(), List.of(name(Tracked.class)))).containsExactly("WithTrackedMethod");
  }

  @Test
  void mixedPatterns() throws IOException {
    assertThat(
            passed(
                List.of("+" + name(BaseJob.class), "@" + name(Component.class), name(Plain.class)),
                List.of(name(Tracked.class))))
        .containsExactlyInAnyOrder("BaseJob", "NightlyJob", "Annotated", "WithTrackedMethod", "Plain");
  }
}
