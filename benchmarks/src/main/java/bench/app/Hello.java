package bench.app;

/** A hello-world application for the start-up measurements (time to the end of {@code main}). */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    System.out.println(greet("world"));
  }

  static String greet(String who) {
    return "hello, " + who;
  }
}
