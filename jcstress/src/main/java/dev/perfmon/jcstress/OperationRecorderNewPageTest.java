package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A first call with an error creates its histogram page while the reader reads: the reader's
 * {@code readPageTotals} (errors first, then the page's total) and {@code readPage} see the page
 * being published. An error read means its call's total and bucket are visible.
 *
 * <p>Result: (errors, page total, bucket sum).
 */
@JCStressTest
@Description("OperationRecorder: a new page and an error published while the reader reads")
@Outcome(id = {"0, 0, 0", "0, 0, 1", "0, 1, 0", "0, 1, 1", "1, 1, 1"}, expect = Expect.ACCEPTABLE, desc = "the error never ahead of its call's total and bucket")
@Outcome(expect = Expect.FORBIDDEN, desc = "an error without its call")
@State
public class OperationRecorderNewPageTest {
  private final OperationRecorder recorder = new OperationRecorder(1, "new-page");

  @Actor
  public void writer() {
    recorder.record(Pages.D1, true);
  }

  @Actor
  public void reader(III_Result r) {
    long[] pageTotals = new long[Buckets.PAGES];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    recorder.readPageTotals(pageTotals, totals);
    r.r1 = (int) totals[0];
    r.r2 = (int) pageTotals[Pages.PAGE];
    r.r3 = (int) recorder.readPage(Pages.PAGE, new long[Buckets.SUB_BUCKETS]);
  }
}
