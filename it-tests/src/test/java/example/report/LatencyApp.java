package example.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls {@link Work#call} {@code args[1]} times from {@code args[2]} threads with a known
 * distribution of sleeps ({@code args[0]}: {@code uniform} 1-10 ms, or {@code bimodal}: nine in ten
 * 2 ms, one in ten 20-40 ms), some of them failing, and writes the duration of every call, measured
 * inside the method with {@link System#nanoTime}, one number of nanoseconds per line to {@code
 * args[3]}.
 */
public final class LatencyApp {
  private LatencyApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int calls = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    long[] durations = new long[calls];
    AtomicInteger next = new AtomicInteger();
    Work w = new Work(durations);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      final long seed = t;
      Thread th =
          new Thread(
              () -> {
                SplittableRandom r = new SplittableRandom(seed * 7919 + mode.length());
                int i;
                while ((i = next.getAndIncrement()) < calls) {
                  long micros =
                      mode.equals("uniform")
                          ? r.nextLong(1000, 10_000)
                          : r.nextInt(10) == 0 ? r.nextLong(20_000, 40_000) : 2000;
                  try {
                    w.call(i, micros, i % 50 == 0);
                  } catch (IllegalStateException expected) {
                    // counted as an error by the agent
                  }
                }
              });
      th.start();
      list.add(th);
    }
    for (Thread th : list) {
      th.join();
    }
    StringBuilder sb = new StringBuilder();
    for (long d : durations) {
      sb.append(d).append('\n');
    }
    Files.writeString(out, sb, StandardCharsets.US_ASCII);
    System.out.println("DONE " + calls);
  }

  /** The tracked method. */
  public static final class Work {
    private final long[] durations;

    Work(long[] durations) {
      this.durations = durations;
    }

    public void call(int i, long micros, boolean fail) {
      long t0 = System.nanoTime();
      try {
        Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      durations[i] = System.nanoTime() - t0;
      if (fail) {
        throw new IllegalStateException("failing call " + i);
      }
    }
  }
}
