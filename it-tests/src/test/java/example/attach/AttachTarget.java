package example.attach;

/**
 * A long-running application started without the agent: it calls two methods in a loop, checks
 * every result against an independent computation (printing MISMATCH if instrumentation ever
 * changed one), and prints a TICK line every 100 ms until it is killed or the given seconds pass.
 */
public final class AttachTarget {
  private AttachTarget() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 120;
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long next = 0;
    long n = 0;
    while (System.nanoTime() < end) {
      int x = (int) (n & 0xFFFF);
      if (Calc.work(x) != x * 2 + 1 || Calc.other(x) != x - 1) {
        System.out.println("MISMATCH at " + n);
      }
      n++;
      if (n % 500 == 0) {
        Thread.sleep(1);
      }
      if (System.nanoTime() > next) {
        System.out.println("TICK " + n);
        next = System.nanoTime() + 100_000_000L;
      }
    }
  }

  /** The methods the tests attach to. */
  public static final class Calc {
    private Calc() {}

    public static int work(int x) {
      return x * 2 + 1;
    }

    public static int other(int x) {
      return x - 1;
    }
  }
}
