package dev.perfmon.it.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The monitored application of {@link PrometheusIT}: times one operation ({@link #work}) with a
 * known latency distribution and writes down the duration of every call as it measured it, so the
 * test knows the true percentiles.
 *
 * <p>Arguments: {@code goFile durationsFile threads count:millis[,count:millis...]}. One call of
 * 1 ms first (so the operation's series exist before the workload), READY, then it waits for
 * {@code goFile}, runs the workload in a shuffled order on {@code threads} threads, writes the
 * durations (ns, one per line, the first call included), prints DONE and stays up for scrapes.
 */
public final class LatencyApp {
  private LatencyApp() {}

  public static void main(String[] args) throws Exception {
    Path go = Path.of(args[0]);
    Path durations = Path.of(args[1]);
    int threads = Integer.parseInt(args[2]);
    List<Long> plan = new ArrayList<>();
    for (String part : args[3].split(",", -1)) {
      String[] cm = part.split(":", -1);
      for (int i = 0; i < Integer.parseInt(cm[0]); i++) {
        plan.add(Long.parseLong(cm[1]));
      }
    }
    Collections.shuffle(plan, new Random(42));
    List<Long> measured = Collections.synchronizedList(new ArrayList<>());
    measured.add(timed(1));
    System.out.println("READY");
    while (!Files.exists(go)) {
      Thread.sleep(20);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (long ms : plan) {
      done.add(pool.submit(() -> {
        measured.add(timed(ms));
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    StringBuilder b = new StringBuilder();
    synchronized (measured) {
      for (long n : measured) {
        b.append(n).append('\n');
      }
    }
    Files.writeString(durations, b.toString(), StandardCharsets.UTF_8);
    System.out.println("DONE " + measured.size());
    Thread.sleep(600_000);
  }

  private static long timed(long ms) throws InterruptedException {
    long t0 = System.nanoTime();
    work(ms);
    return System.nanoTime() - t0;
  }

  /** The timed operation ({@code checkout}). */
  public static void work(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
