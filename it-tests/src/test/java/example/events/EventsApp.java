package example.events;

import java.util.ArrayList;
import java.util.List;

/**
 * A test application that is slow on purpose. Modes (first argument):
 *
 * <ul>
 *   <li>{@code slow}: one slow call, then "slow-done" and a pause (so that the test sees the slow
 *       event before anything else happens), one very slow call, then five calls over budget;
 *   <li>{@code memory}: retains about 100 MB for a second, then frees it;
 *   <li>{@code handlers}: like slow without the pause, then keeps running for {@code args[1]} ms.
 * </ul>
 */
public final class EventsApp {
  private EventsApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Work work = new Work();
    switch (mode) {
      case "slow" -> {
        work.slow(150);
        System.out.println("slow-done " + System.currentTimeMillis());
        Thread.sleep(Long.parseLong(args[1]));
        work.verySlow(250);
        budgeted(work);
      }
      case "handlers" -> {
        work.slow(150);
        work.verySlow(250);
        budgeted(work);
        System.out.println("result " + work.sum);
        Thread.sleep(Long.parseLong(args[1]));
      }
      case "memory" -> {
        List<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          keep.add(new byte[1024 * 1024]);
        }
        System.out.println("allocated " + keep.size() + " MB");
        Thread.sleep(1500);
        keep.clear();
      }
      default -> throw new IllegalArgumentException(mode);
    }
    System.out.println("done");
  }

  private static void budgeted(Work work) throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      work.lookup(i);
    }
  }

  /** The monitored methods. */
  public static final class Work {
    long sum;

    public void slow(long ms) throws InterruptedException {
      Thread.sleep(ms);
      sum += ms;
    }

    public void verySlow(long ms) throws InterruptedException {
      Thread.sleep(ms);
      sum += ms;
    }

    @Timed("api GET /owners/{id}")
    public void lookup(int id) throws InterruptedException {
      Thread.sleep(30);
      sum += id;
    }
  }
}
