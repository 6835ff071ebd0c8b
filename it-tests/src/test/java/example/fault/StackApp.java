package example.fault;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs out of stack inside woven code, again and again, and carries on, as applications that catch
 * {@code StackOverflowError} from deep recursion do. Each trial runs on a thread of its own with a
 * different stack size and recurses through a woven method until the stack is exhausted, so the
 * error strikes at every possible point of the advice, of the agent's recording code and (for the
 * {@link Lazy} class, first loaded at the bottom of the stack) of the class-file transformation.
 * The very first call of a woven method also happens at the bottom of a full stack, so the agent's
 * bootstrap classes meet their first use there.
 *
 * <p>Prints one {@code RESULT} line that does not depend on where exactly the stack ran out: the
 * number of trials whose recursion ended in a {@code StackOverflowError} (every one must) and the
 * names of any other throwable seen (there must be none), then calls {@code Rec#after} exactly
 * {@code AFTER} times so the test can check that recording still works and counts exactly.
 */
public final class StackApp {
  static final int AFTER = 1000;
  private static final URL CLASSES = StackApp.class.getProtectionDomain().getCodeSource().getLocation();

  private StackApp() {}

  public static void main(String[] args) throws Exception {
    int trials = Integer.parseInt(args[0]);
    Map<String, Integer> other = new TreeMap<>();
    int overflowed = 0;
    List<ClassLoader> loaders = new ArrayList<>();
    // The JDK's own first class definition through a URLClassLoader initialises classes of its
    // own (jdk.internal.perf.PerfCounter) that would fail for good at the bottom of a stack,
    // with or without an agent: done here, so that only the agent's behaviour is under test.
    Class.forName(Lazy.class.getName(), true, new URLClassLoader(new URL[] {CLASSES}, null));
    // Loaded (and so woven) here, with stack to spare; its first call comes at the bottom of the
    // main thread's stack, the first use of the agent's recording code anywhere in this JVM.
    Class.forName(Rec.class.getName());
    if (firstUseAtTheBottom(0)) {
      overflowed++;
    }
    for (int i = 0; i < trials; i++) {
      long stack = 128 * 1024 + i * 4_104L; // not a multiple of the page size: varying offsets
      ClassLoader lazy = new URLClassLoader(new URL[] {CLASSES}, null);
      loaders.add(lazy);
      int slack = (i * 7) % 400;
      Throwable[] seen = new Throwable[1];
      Thread t =
          new Thread(
              null,
              () -> {
                try {
                  new Rec(lazy, slack).down(0);
                } catch (Throwable e) {
                  seen[0] = e;
                }
              },
              "stack-" + i,
              stack);
      t.start();
      t.join();
      if (seen[0] instanceof StackOverflowError) {
        overflowed++;
      } else {
        other.merge(String.valueOf(seen[0]), 1, Integer::sum);
      }
    }
    Rec r = new Rec(null);
    long sum = 0;
    for (int i = 0; i < AFTER; i++) {
      sum += r.after(i);
    }
    List<String> others = new ArrayList<>();
    other.forEach((k, v) -> others.add(k + " x" + v));
    System.out.println(
        "RESULT trials=" + (trials + 1) + " overflowed=" + overflowed + " other=" + others + " sum=" + sum);
    System.out.flush();
    if (args.length > 1) {
      // Lets the agent's snapshot thread catch up with classes it could not transform at the
      // bottom of a stack, then calls Lazy#hit once in each trial's copy of the class.
      Thread.sleep(Long.parseLong(args[1]));
      int lazyCalls = 0;
      int unloadable = 0;
      for (ClassLoader l : loaders) {
        try {
          Class<?> c = Class.forName(Lazy.class.getName(), true, l);
          java.lang.reflect.Method hit = c.getDeclaredMethod("hit");
          hit.setAccessible(true);
          lazyCalls += (Integer) hit.invoke(null);
        } catch (ClassNotFoundException | LinkageError e) {
          // The JDK's URLClassLoader can stay broken after running out of stack while it
          // loaded (seen on JDK 25 without any agent): not the agent's doing.
          unloadable++;
        }
      }
      System.out.println("LAZY calls=" + lazyCalls + " unloadable=" + unloadable);
    }
  }

  /** Recurses (unwoven) until the stack is gone, then calls woven code right there. */
  @SuppressWarnings("InfiniteRecursion") // deliberate: running out of stack is the point
  private static boolean firstUseAtTheBottom(int depth) {
    try {
      return firstUseAtTheBottom(depth + 1);
    } catch (StackOverflowError e) {
      try {
        new Rec(null).down(0);
        return false;
      } catch (StackOverflowError again) {
        return true;
      }
    }
  }

  /** Woven: every method of this class is listed in the agent's methods pattern. */
  public static final class Rec {
    private final ClassLoader loader;
    private int slack;

    public Rec(ClassLoader loader) {
      this(loader, 0);
    }

    public Rec(ClassLoader loader, int slack) {
      this.loader = loader;
      this.slack = slack;
    }

    /**
     * Recurses until the stack is gone. On the way back up, {@code slack} frames above the
     * bottom, it loads a fresh copy of {@link Lazy} (when it has a loader) and goes on unwinding.
     */
    @SuppressWarnings("InfiniteRecursion") // deliberate: running out of stack is the point
    public int down(int depth) {
      try {
        return down(depth + 1) + 1;
      } catch (StackOverflowError e) {
        if (loader != null && slack-- == 0) {
          touchLazy(loader);
        }
        throw e;
      }
    }

    public long after(int i) {
      return i;
    }
  }

  /**
   * Loads (and so transforms) a woven class at the bottom of a deep stack: a class loader of the
   * trial's own defines a fresh copy of {@link Lazy} each time.
   */
  static void touchLazy(ClassLoader loader) {
    try {
      Class.forName(Lazy.class.getName(), true, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A woven class that is first loaded (in each trial's loader) deep in a stack. */
  public static final class Lazy {
    static int hits;

    static {
      hits = hit();
    }

    private Lazy() {}

    static int hit() {
      return 1;
    }
  }
}
