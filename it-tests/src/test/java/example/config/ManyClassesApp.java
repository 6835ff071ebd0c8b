package example.config;

import java.io.InputStream;

/**
 * Loads as many classes as its first argument says (the same small class, each time through a
 * class loader of its own, so that each is a class loaded: what a framework application does at
 * start-up, in miniature), pauses for the second argument's milliseconds, then calls a method that
 * the test lists ({@link LoopApp.Work#alpha}) and prints {@code RESULT}.
 */
public final class ManyClassesApp {
  private ManyClassesApp() {}

  public static void main(String[] args) throws Exception {
    int classes = Integer.parseInt(args[0]);
    long pauseMillis = Long.parseLong(args[1]);
    String leaf = Leaf.class.getName();
    byte[] bytes;
    try (InputStream in = ManyClassesApp.class.getResourceAsStream("ManyClassesApp$Leaf.class")) {
      bytes = in.readAllBytes();
    }
    long sum = 0;
    for (int i = 0; i < classes; i++) {
      Class<?> c = new OwnLoader(ManyClassesApp.class.getClassLoader()).define(leaf, bytes);
      sum += c.getDeclaredConstructor().newInstance().hashCode() & 1;
    }
    Thread.sleep(pauseMillis);
    LoopApp.Work w = new LoopApp.Work();
    long s = 0;
    for (int i = 0; i < 100; i++) {
      s += w.alpha(i);
    }
    System.out.println("RESULT classes=" + classes + " alpha=" + s + " sum=" + (sum >= 0));
  }

  /** The class loaded again and again. */
  public static final class Leaf {
    public Leaf() {}
  }

  private static final class OwnLoader extends ClassLoader {
    OwnLoader(ClassLoader parent) {
      super(parent);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
