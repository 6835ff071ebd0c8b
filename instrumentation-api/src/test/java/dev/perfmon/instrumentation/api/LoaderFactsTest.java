package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoaderFactsTest {
  @Test
  void aFactIsWorkedOutOncePerLoader() {
    AtomicInteger asked = new AtomicInteger();
    LoaderFacts<ClassLoader> facts = new LoaderFacts<>(l -> asked.incrementAndGet() > 0, false);
    ClassLoader a = new URLClassLoader(new URL[0]);
    ClassLoader b = new URLClassLoader(new URL[0]);
    assertThat(facts.test(a)).isTrue();
    assertThat(facts.test(a)).isTrue();
    assertThat(facts.test(b)).isTrue();
    assertThat(asked).hasValue(2);
  }

  /** Asked for two loaders in turn, each gets its own answer (the last answer is remembered, not reused). */
  @Test
  void alternatingLoadersGetTheirOwnAnswers() {
    ClassLoader yes = new URLClassLoader(new URL[0]);
    ClassLoader no = new URLClassLoader(new URL[0]);
    AtomicInteger asked = new AtomicInteger();
    LoaderFacts<ClassLoader> facts =
        new LoaderFacts<>(
            l -> {
              asked.incrementAndGet();
              return l == yes;
            },
            false);
    for (int i = 0; i < 3; i++) {
      assertThat(facts.test(yes)).isTrue();
      assertThat(facts.test(yes)).isTrue();
      assertThat(facts.test(no)).isFalse();
    }
    assertThat(asked).hasValue(2);
  }

  @Test
  void aFactThatCannotBeWorkedOutIsTheGivenDefault() {
    LoaderFacts<ClassLoader> facts =
        new LoaderFacts<>(
            l -> {
              throw new IllegalStateException("cannot tell");
            },
            true);
    assertThat(facts.test(new URLClassLoader(new URL[0]))).isTrue();
  }

  @Test
  void theLoaderIsNotKept() throws InterruptedException {
    LoaderFacts<ClassLoader> facts = new LoaderFacts<>(l -> true, false);
    ClassLoader loader = new URLClassLoader(new URL[0]);
    facts.test(loader);
    WeakReference<ClassLoader> ref = new WeakReference<>(loader);
    loader = null;
    assertThat(Collected.await(ref, 50)).isTrue();
  }
}
