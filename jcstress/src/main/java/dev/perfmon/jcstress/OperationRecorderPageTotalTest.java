package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * What the two-step read rests on: the writer stores a page's call total before the bucket
 * (release), so a reader that sees a bucket increment and then reads the total sees the total's
 * increment too. Here the reader reads the bucket first ({@code readPage}) and the total after
 * ({@code readPageTotals}); the page exists already (one call).
 *
 * <p>Result: (bucket sum, page total). A total below the buckets read before it would mean a
 * page whose total equals an older bucket sum could hide a bucket change.
 */
@JCStressTest
@Description("OperationRecorder: a visible bucket increment implies its page total increment")
@Outcome(id = {"1, 1", "1, 2", "2, 2"}, expect = Expect.ACCEPTABLE, desc = "the total is never behind a bucket read before it")
@Outcome(id = "2, 1", expect = Expect.FORBIDDEN, desc = "a bucket increment visible without its total")
@Outcome(expect = Expect.FORBIDDEN, desc = "anything else")
@State
public class OperationRecorderPageTotalTest {
  private final OperationRecorder recorder = new OperationRecorder(1, "page-total");

  public OperationRecorderPageTotalTest() {
    recorder.record(Pages.D1, false);
  }

  @Actor
  public void writer() {
    recorder.record(Pages.D2, false);
  }

  @Actor
  public void reader(II_Result r) {
    long[] buckets = new long[Buckets.SUB_BUCKETS];
    r.r1 = (int) recorder.readPage(Pages.PAGE, buckets);
    long[] pageTotals = new long[Buckets.PAGES];
    recorder.readPageTotals(pageTotals, new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
    r.r2 = (int) pageTotals[Pages.PAGE];
  }
}
