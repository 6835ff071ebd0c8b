package example.output;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Calls {@link Work#step} from {@code args[0]} threads for {@code args[1]} milliseconds, each call
 * taking about {@code args[2]} microseconds, while another thread makes the heap cross a memory
 * warning limit now and then (allocates and frees 48 MB); then prints how many calls it made.
 */
public final class RotationApp {
  private RotationApp() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    long millis = Long.parseLong(args[1]);
    long micros = Long.parseLong(args[2]);
    long end = System.nanoTime() + millis * 1_000_000L;
    AtomicLong calls = new AtomicLong();
    Work w = new Work();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                long n = 0;
                while (System.nanoTime() < end) {
                  w.step(micros);
                  n++;
                }
                calls.addAndGet(n);
              });
      th.start();
      workers.add(th);
    }
    List<byte[]> keep = new ArrayList<>();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 48; i++) {
        keep.add(new byte[1024 * 1024]);
      }
      Thread.sleep(150);
      keep.clear();
      System.gc();
      Thread.sleep(150);
    }
    for (Thread th : workers) {
      th.join();
    }
    System.out.println("CALLS " + calls.get() + " kept=" + keep.size());
  }

  /** The tracked method. */
  public static final class Work {
    public void step(long micros) {
      LockSupport.parkNanos(micros * 1000L);
    }
  }
}
