package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.OperationRecorder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The lane hand-off: a lane whose owner thread has terminated (3 calls, 1 error) is folded into the
 * reader's retired totals and freed by the reader while a live thread records two calls (one an
 * error), claiming a lane (possibly the one being freed) or using its own. The reader's read during
 * the race sees the dead thread's 3 calls exactly once and at most the live thread's 2; the
 * arbiter's read after both sees exactly 5 calls and 2 errors: nothing lost, nothing counted twice.
 *
 * <p>Result: (calls, errors) of the racing read, then (calls, errors) of the arbiter's read.
 */
@JCStressTest
@Description("OperationRecorder: a live thread claims a lane while the reader folds a dead owner's lane")
@Outcome(id = {"3, 1, 5, 2", "4, 1, 5, 2", "4, 2, 5, 2", "5, 1, 5, 2", "5, 2, 5, 2"}, expect = Expect.ACCEPTABLE, desc = "every call once; errors never ahead of their calls")
@Outcome(expect = Expect.FORBIDDEN, desc = "a call lost or counted twice, or an error without its call")
@State
public class OperationRecorderLaneHandOffTest {
  private final OperationRecorder recorder = new OperationRecorder(1, "handoff");

  public OperationRecorderLaneHandOffTest() {
    Thread dead =
        new Thread(
            () -> {
              recorder.record(Pages.D1, false);
              recorder.record(Pages.D2, true);
              recorder.record(Pages.D1, false);
            });
    dead.start();
    try {
      dead.join();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Actor
  public void writer() {
    recorder.record(Pages.D2, true);
    recorder.record(Pages.D1, false);
  }

  @Actor
  public void reader(IIII_Result r) {
    long[] counts = new long[dev.perfmon.bootstrap.Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    recorder.readInto(counts, totals);
    r.r1 = (int) Pages.sum(counts);
    r.r2 = (int) totals[0];
  }

  @Arbiter
  public void after(IIII_Result r) {
    long[] counts = new long[dev.perfmon.bootstrap.Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    recorder.readInto(counts, totals);
    r.r3 = (int) Pages.sum(counts);
    r.r4 = (int) totals[0];
  }
}
