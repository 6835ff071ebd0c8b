package example.config;

/**
 * Calls a few methods in a loop for the number of milliseconds given as the first argument, then
 * prints how many times each ran (the test compares that with the agent's counts).
 */
public final class LoopApp {
  private LoopApp() {}

  public static void main(String[] args) throws Exception {
    long millis = Long.parseLong(args[0]);
    Work w = new Work();
    long end = System.nanoTime() + millis * 1_000_000L;
    long calls = 0;
    long sink = 0;
    while (System.nanoTime() < end) {
      sink += w.alpha(calls) + w.beta(calls) + w.gamma(calls) + w.delta(calls) + w.epsilon(calls) + w.zeta(calls);
      calls++;
      if (calls % 1000 == 0) {
        Thread.sleep(1);
      }
    }
    System.out.println("CALLS " + calls + " sink=" + sink);
  }

  /** Six tracked methods with distinct names. */
  public static final class Work {
    public long alpha(long x) {
      return x + 1;
    }

    public long beta(long x) {
      return x ^ 3;
    }

    public long gamma(long x) {
      return x * 5;
    }

    public long delta(long x) {
      return x >>> 1;
    }

    public long epsilon(long x) {
      return x - 7;
    }

    public long zeta(long x) {
      return x | 9;
    }
  }
}
