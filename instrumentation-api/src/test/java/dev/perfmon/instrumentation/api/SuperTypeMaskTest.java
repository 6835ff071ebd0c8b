package dev.perfmon.instrumentation.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class SuperTypeMaskTest {
  interface Marker {}

  static class Base implements Marker {}

  static class Middle extends Base {}

  static class A extends Middle {}

  static class B extends Middle {}

  static class Plain {}

  private static SuperTypeMask mask() {
    return new SuperTypeMask(Map.of(Marker.class.getName(), 1), new String[] {"java."}, new String[] {"sun."});
  }

  private static TypeDescription describe(Class<?> c) {
    // A fresh pool each time, as for classes being loaded: nothing shared but the mask table.
    return TypePool.Default.of(SuperTypeMaskTest.class.getClassLoader()).describe(c.getName()).resolve();
  }

  @Test
  void superTypeMasksAreReusedWithinALoaderScope() {
    SuperTypeMask m = mask();
    Object scope = SuperTypeMask.enter(SuperTypeMaskTest.class.getClassLoader());
    try {
      assertEquals(1, m.mask(describe(A.class)));
      assertEquals(0, m.tableHits.sum(), "first walk reads Middle and Base");
      assertEquals(1, m.mask(describe(B.class)));
      assertEquals(1, m.tableHits.sum(), "B's walk stops at Middle, whose mask is known");
      assertEquals(0, m.mask(describe(Plain.class)));
      assertEquals(1, m.loaders());
    } finally {
      SuperTypeMask.exit(scope);
    }
  }

  @Test
  void nothingIsKeptOutsideAScope() {
    SuperTypeMask m = mask();
    assertEquals(1, m.mask(describe(A.class)));
    assertEquals(1, m.mask(describe(B.class)));
    assertEquals(0, m.tableHits.sum());
    assertEquals(0, m.loaders());
  }

  @Test
  void scopesNest() {
    SuperTypeMask m = mask();
    ClassLoader other = new ClassLoader(null) {};
    Object outer = SuperTypeMask.enter(SuperTypeMaskTest.class.getClassLoader());
    try {
      Object inner = SuperTypeMask.enter(other);
      try {
        assertEquals(1, m.mask(describe(A.class)));
      } finally {
        SuperTypeMask.exit(inner);
      }
      assertEquals(1, m.mask(describe(B.class)));
      assertEquals(0, m.tableHits.sum(), "B is matched in the outer loader's scope: its own table");
      assertEquals(2, m.loaders());
    } finally {
      SuperTypeMask.exit(outer);
    }
    assertEquals(1, m.mask(describe(A.class)));
    assertEquals(0, m.tableHits.sum());
  }

  private static ClassHeader header(Class<?> c) throws java.io.IOException {
    return ClassHeader.of(ClassHeaderTest.bytesOf(c));
  }

  interface Other {}

  static class Both extends Middle implements Other {}

  @Test
  void theHeaderWalkAgreesWithTheDescriptionWalk() throws Exception {
    SuperTypeMask m = new SuperTypeMask(Map.of(Marker.class.getName(), 1, Other.class.getName(), 2), new String[] {"java."}, new String[] {"sun."});
    ClassLoader loader = SuperTypeMaskTest.class.getClassLoader();
    for (Class<?> c : java.util.List.of(A.class, B.class, Plain.class, Both.class, Middle.class, Marker.class)) {
      int byDescription = m.mask(describe(c));
      Object scope = SuperTypeMask.enter(loader);
      try {
        assertEquals(byDescription, m.mask(header(c), loader), c.getName());
      } finally {
        SuperTypeMask.exit(scope);
      }
      assertEquals(byDescription, m.mask(header(c), loader), c.getName() + " outside a scope");
    }
    assertEquals(3, m.mask(header(Both.class), loader));
  }

  @Test
  void headerWalksKeepSuperTypeMasksPerLoader() throws Exception {
    SuperTypeMask m = mask();
    ClassLoader loader = SuperTypeMaskTest.class.getClassLoader();
    Object scope = SuperTypeMask.enter(loader);
    try {
      assertEquals(1, m.mask(header(A.class), loader));
      assertEquals(0, m.tableHits.sum(), "first walk reads Middle and Base");
    } finally {
      SuperTypeMask.exit(scope);
    }
    scope = SuperTypeMask.enter(loader);
    try {
      assertEquals(1, m.mask(header(B.class), loader));
      assertEquals(1, m.tableHits.sum(), "B's walk stops at Middle, whose mask is known");
    } finally {
      SuperTypeMask.exit(scope);
    }
  }

  @Test
  void theMatcherTakesTheMaskTheClassFileTestFound() throws Exception {
    SuperTypeMask first = SuperTypeMask.shared(Map.of(Marker.class.getName(), 1), new String[] {"java."}, new String[0]);
    SuperTypeMask second = SuperTypeMask.shared(Map.of(Other.class.getName(), 1), new String[] {"java.", "javax."}, new String[] {"dev."});
    assertEquals(true, first.sharesWalkWith(second));
    ClassLoader loader = SuperTypeMaskTest.class.getClassLoader();
    Object scope = SuperTypeMask.enter(loader);
    try {
      ClassHeader both = header(Both.class);
      assertEquals(true, first.classFileTest(1, true).mayMatch(both, loader));
      assertEquals(false, second.classFileTest(1, true).mayMatch(both, loader), "irrelevant package for the second");
      long walks = first.walks.sum();
      assertEquals(true, first.implementingAll(1).matches(describe(Both.class)));
      assertEquals(false, second.implementingAny(1).matches(describe(Both.class)));
      assertEquals(walks, first.walks.sum(), "the matchers reused the class-file test's walk");
      assertEquals(false, first.implementingAny(1).matches(describe(Plain.class)), "another class: walked");
      assertEquals(walks + 1, first.walks.sum());
      assertEquals(false, first.classFileTest(1, false).mayMatch(header(Marker.class), loader), "an interface");
    } finally {
      SuperTypeMask.exit(scope);
    }
  }

  @Test
  void unresolvableSuperTypesCountAsNone() throws Exception {
    SuperTypeMask m = mask();
    // A loader that finds no class files: Middle and Base cannot be read.
    ClassLoader blind = new ClassLoader(null) {};
    Object scope = SuperTypeMask.enter(blind);
    try {
      assertEquals(0, m.mask(header(A.class), blind));
      assertEquals(0, m.tableHits.sum());
      assertEquals(0, m.mask(header(A.class), blind));
      assertEquals(0, m.tableHits.sum(), "incomplete masks are not kept");
    } finally {
      SuperTypeMask.exit(scope);
    }
  }

  @Test
  void tablesGrowAndStayBounded() {
    SuperTypeMask.Table t = new SuperTypeMask.Table();
    int kept = 0;
    for (int i = 0; i < 3 * SuperTypeMask.MAX_SLOTS; i++) {
      t.put(SuperTypeMask.Table.key("com.example.T" + i), i & 7);
      if (t.find(SuperTypeMask.Table.key("com.example.T" + i)) == (i & 7)) {
        kept++;
      }
    }
    assertEquals(SuperTypeMask.MAX_SLOTS * 3 / 4, t.size(), "full at three quarters");
    assertEquals(t.size(), kept);
    assertEquals(0, t.find(SuperTypeMask.Table.key("com.example.T0")), "the first entries stay");
    assertEquals(-1, t.find(SuperTypeMask.Table.key("com.example.Absent")));
    assertEquals(SuperTypeMask.MAX_SLOTS * 12L + 32, t.bytes());
  }

  @Test
  void aClassLoadedBeforeItsSubclassesIsNotReadAgain() throws Exception {
    SuperTypeMask m = mask();
    ClassLoader loader = SuperTypeMaskTest.class.getClassLoader();
    Object scope = SuperTypeMask.enter(loader);
    try {
      assertEquals(1, m.mask(header(Middle.class), loader));
      assertEquals(1, m.classFilesRead(), "Base");
    } finally {
      SuperTypeMask.exit(scope);
    }
    scope = SuperTypeMask.enter(loader);
    try {
      assertEquals(1, m.mask(header(A.class), loader));
      assertEquals(1, m.classFilesRead(), "Middle's mask was kept when it was loaded");
    } finally {
      SuperTypeMask.exit(scope);
    }
  }
}
