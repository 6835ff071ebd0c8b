package dev.perfmon.jcstress;

import dev.perfmon.bootstrap.Buckets;
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
 * The snapshot thread's two-step read racing recordings, modelled as the monitor does it: it keeps
 * the buckets of its previous read (one call of D1), reads {@code readPageTotals} (errors first,
 * then the page's call total) and re-reads the page's buckets with {@code readPage} only when the
 * total differs from the kept buckets' sum; otherwise it reuses them. Meanwhile a writer records
 * D1 and then D2 with an error.
 *
 * <p>Result: (calls counted by the racing read, errors read by it, 1 when some bucket went below
 * its previous value, 1 when the arbiter's next read from the kept state gives exactly the
 * expected buckets). Errors never exceed the calls counted in one read; an error read means both
 * calls are counted; a page whose total equals the kept sum has unchanged buckets, so reusing them
 * loses nothing: the next read finds every call exactly once.
 */
@JCStressTest
@Description("OperationRecorder: readPageTotals + readPage racing record()")
@Outcome(id = {"1, 0, 0, 1", "2, 0, 0, 1", "3, 0, 0, 1", "3, 1, 0, 1"}, expect = Expect.ACCEPTABLE, desc = "exact, errors never ahead of their calls")
@Outcome(expect = Expect.FORBIDDEN, desc = "an error ahead of its call, a bucket going back, or a call lost or doubled")
@State
public class OperationRecorderTwoStepReadTest {
  private final OperationRecorder recorder = new OperationRecorder(1, "two-step");
  private long[] kept = new long[Buckets.SUB_BUCKETS];

  public OperationRecorderTwoStepReadTest() {
    recorder.record(Pages.D1, false);
    round();
  }

  /** One read of the page; keeps its buckets; returns {errors, calls, went back (0/1)}. */
  private long[] round() {
    long[] pageTotals = new long[Buckets.PAGES];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    recorder.readPageTotals(pageTotals, totals);
    long[] buckets = kept;
    if (pageTotals[Pages.PAGE] != Pages.sum(kept)) {
      buckets = new long[Buckets.SUB_BUCKETS];
      recorder.readPage(Pages.PAGE, buckets);
    }
    long back = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (buckets[i] < kept[i]) {
        back = 1;
      }
    }
    kept = buckets;
    return new long[] {totals[0], Pages.sum(buckets), back};
  }

  @Actor
  public void writer() {
    recorder.record(Pages.D1, false);
    recorder.record(Pages.D2, true);
  }

  @Actor
  public void reader(IIII_Result r) {
    long[] read = round();
    r.r1 = (int) read[1];
    r.r2 = (int) read[0];
    r.r3 = (int) read[2];
  }

  @Arbiter
  public void after(IIII_Result r) {
    long[] read = round();
    int d1 = Buckets.index(Pages.D1) & (Buckets.SUB_BUCKETS - 1);
    int d2 = Buckets.index(Pages.D2) & (Buckets.SUB_BUCKETS - 1);
    boolean exact = read[2] == 0 && read[1] == 3 && kept[d1] == 2 && kept[d2] == 1 && read[0] == 1;
    r.r4 = exact ? 1 : 0;
    r.r3 |= (int) read[2];
  }
}
