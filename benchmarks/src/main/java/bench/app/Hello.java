package bench.app;

/** A hello-world application for the start-up measurements (time to the end of {@code main}). */
public final class Hello {
  private Hello() {}

  /**
   * With the argument {@code halt} the JVM stops right after main's work, skipping shutdown hooks
   * (and so the agent's final snapshot): the process time is then the time to {@code main}.
   */
  public static void main(String[] args) {
    System.out.println(greet("world"));
    if (args.length > 0 && args[0].equals("halt")) {
      Runtime.getRuntime().halt(0);
    }
  }

  static String greet(String who) {
    return "hello, " + who;
  }
}
