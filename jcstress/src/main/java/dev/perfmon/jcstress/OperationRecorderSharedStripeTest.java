package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.concurrent.CountDownLatch;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The shared stripe: every lane is owned by a live thread (helpers that recorded one call each and
 * wait), so the writer, finding all its probed lanes taken, records two calls (the first an error)
 * into the shared stripe with atomic operations while the reader reads. Every call is counted
 * once; errors are never ahead of their calls in one read.
 *
 * <p>Result: (calls read in the race, errors read in the race, calls read by the arbiter), the
 * helpers' 4 calls included. Four helpers fill every lane of a JVM with up to 4 processors (4
 * lanes, each helper probing them all; jcstress runs each test JVM with as many processors as the
 * test has actors); with more lanes the writer may claim a lane instead, and the counts must still
 * be exact.
 */
@JCStressTest
@Description("OperationRecorder: the shared stripe written while the reader reads")
@Outcome(id = {"4, 0, 6", "5, 0, 6", "5, 1, 6", "6, 0, 6", "6, 1, 6"}, expect = Expect.ACCEPTABLE, desc = "every call once; errors never ahead of their calls")
@Outcome(expect = Expect.FORBIDDEN, desc = "a call lost or counted twice, or an error without its call")
@State
public class OperationRecorderSharedStripeTest {
  /** Helper threads holding lanes (at most 4 lanes are probed by a thread). */
  private static final int HELPERS = 4;

  private final OperationRecorder recorder = new OperationRecorder(1, "shared");
  private final CountDownLatch release = new CountDownLatch(1);

  public OperationRecorderSharedStripeTest() {
    CountDownLatch recorded = new CountDownLatch(HELPERS);
    for (int i = 0; i < HELPERS; i++) {
      Thread helper =
          new Thread(
              () -> {
                recorder.record(Pages.D2, false);
                recorded.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      helper.setDaemon(true);
      helper.start();
    }
    try {
      recorded.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Actor
  public void writer() {
    recorder.record(Pages.D1, true);
    recorder.record(Pages.D1, false);
  }

  @Actor
  public void reader(III_Result r) {
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    recorder.readInto(counts, totals);
    r.r1 = (int) Pages.sum(counts);
    r.r2 = (int) totals[0];
  }

  @Arbiter
  public void after(III_Result r) {
    r.r3 = (int) Pages.calls(recorder);
    release.countDown();
  }
}
