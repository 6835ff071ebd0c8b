package example.output;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Calls {@link Work#step} in a loop until a file named {@code stop} appears in the working
 * directory (at most five minutes), then prints how many calls it made.
 */
public final class UntilStoppedApp {
  private UntilStoppedApp() {}

  public static void main(String[] args) throws Exception {
    Path stop = Path.of("stop");
    long end = System.nanoTime() + 300_000_000_000L;
    Work w = new Work();
    long calls = 0;
    long sink = 0;
    System.out.println("running");
    while (!Files.exists(stop) && System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        sink += w.step(calls++);
      }
      Thread.sleep(1);
    }
    System.out.println("CALLS " + calls + " sink=" + sink);
  }

  /** The tracked method. */
  public static final class Work {
    public long step(long x) {
      return x * 31 + 7;
    }
  }
}
