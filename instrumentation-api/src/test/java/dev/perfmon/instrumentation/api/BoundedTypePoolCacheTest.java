package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class BoundedTypePoolCacheTest {
  /** Counts how often class files are read. */
  static final class CountingLocator implements ClassFileLocator {
    final ClassFileLocator delegate = ClassFileLocator.ForClassLoader.ofSystemLoader();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Resolution locate(String name) throws java.io.IOException {
      reads.incrementAndGet();
      return delegate.locate(name);
    }

    @Override
    public void close() throws java.io.IOException {
      delegate.close();
    }
  }

  static class Base {}

  static class Middle extends Base implements java.io.Serializable {}

  @Test
  void superTypesAreReadOncePerClassLoaderAcrossTransformations() {
    BoundedTypePoolCache strategy = new BoundedTypePoolCache();
    CountingLocator locator = new CountingLocator();
    ClassLoader loader = getClass().getClassLoader();

    // Two transformations, each describing a super type of the class being loaded.
    TypePool first = strategy.typePool(locator, loader, "com.example.A");
    assertThat(first.describe(Middle.class.getName()).resolve().getSuperClass().asErasure().getName())
        .isEqualTo(Base.class.getName());
    int afterFirst = locator.reads.get();
    TypePool second = strategy.typePool(locator, loader, "com.example.B");
    assertThat(second.describe(Middle.class.getName()).resolve().getSuperClass().asErasure().getName())
        .isEqualTo(Base.class.getName());
    assertThat(locator.reads.get()).as("the second transformation reads nothing again").isEqualTo(afterFirst);
  }

  @Test
  void eachLoaderHasItsOwnBoundedTable() throws Exception {
    BoundedTypePoolCache strategy = new BoundedTypePoolCache();
    try (URLClassLoader other = new URLClassLoader(new URL[0], null)) {
      TypePool.CacheProvider a = strategy.locate(getClass().getClassLoader());
      TypePool.CacheProvider b = strategy.locate(other);
      assertThat(a).isNotSameAs(b).isSameAs(strategy.locate(getClass().getClassLoader()));
      assertThat(strategy.locate(null)).as("the bootstrap loader's").isNotSameAs(a);
      assertThat(strategy.loaders()).isEqualTo(2);

      BoundedTypePoolCache.Table table = (BoundedTypePoolCache.Table) a;
      TypePool.Resolution r = new TypePool.Resolution.Illegal("x");
      for (int i = 0; i < 10 * BoundedTypePoolCache.SLOTS; i++) {
        table.register("com.example.Type" + i, r);
      }
      assertThat(table.size()).isLessThanOrEqualTo(BoundedTypePoolCache.SLOTS);
      table.register("com.example.Kept", r);
      assertThat(table.find("com.example.Kept")).isSameAs(r);
      assertThat(table.find("com.example.Never")).isNull();
      table.clear();
      assertThat(table.size()).isZero();
    }
  }
}
