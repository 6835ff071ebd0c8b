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
}
