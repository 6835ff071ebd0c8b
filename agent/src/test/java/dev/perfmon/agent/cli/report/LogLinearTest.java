package dev.perfmon.agent.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.Buckets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The report's copy of the layout (and the documented formulas) equal the recorders' own. */
class LogLinearTest {
  @Test
  void sameLayoutAsTheRecorders() {
    assertThat(LogLinear.BUCKETS).isEqualTo(Buckets.BUCKETS);
    for (int i = 0; i < Buckets.BUCKETS; i++) {
      assertThat(LogLinear.lowerBound(i)).as("lower %d", i).isEqualTo(Buckets.lowerBound(i));
      assertThat(LogLinear.width(i)).as("width %d", i).isEqualTo(Buckets.width(i));
      assertThat(LogLinear.midpoint(i)).isEqualTo(Buckets.midpoint(i));
    }
    SplittableRandom r = new SplittableRandom(1);
    for (int k = 0; k < 1_000_000; k++) {
      long v = r.nextLong(1L << r.nextInt(1, 63));
      assertThat(LogLinear.index(v)).as("index %d", v).isEqualTo(Buckets.index(v));
    }
    for (long v : new long[] {-5, 0, 63, 64, 65, 127, 128, (1L << 40) - 1, 1L << 40, Long.MAX_VALUE}) {
      assertThat(LogLinear.index(v)).as("index %d", v).isEqualTo(Buckets.index(v));
    }
    assertThat(LogLinear.index(1_500_000)).isEqualTo(987); // the example in docs/output-files.md
    assertThat(LogLinear.lowerBound(987)).isEqualTo(1_490_944);
  }

  @Test
  void mergedHistogramsGivePercentilesWithinTheDocumentedErrorOfTheExactOnes() {
    SplittableRandom r = new SplittableRandom(42);
    int n = 200_000;
    long[] all = new long[n];
    Histogram merged = new Histogram();
    // two "JVMs", each over ten "intervals": different distributions
    for (int part = 0; part < 20; part++) {
      long[] counts = new long[LogLinear.BUCKETS];
      for (int i = 0; i < n / 20; i++) {
        long v =
            part % 2 == 0
                ? 2_000_000 + r.nextLong(3_000_000) // 2-5 ms uniform
                : (long) Math.exp(r.nextDouble(Math.log(1e5), Math.log(5e8))); // 0.1-500 ms
        all[part * (n / 20) + i] = v;
        counts[LogLinear.index(v)]++;
      }
      long[] sparse = new long[2 * LogLinear.BUCKETS];
      int k = 0;
      int prev = 0;
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] > 0) {
          sparse[k++] = (long) i - prev;
          sparse[k++] = counts[i];
          prev = i;
        }
      }
      merged.addSparse(sparse, k);
    }
    Arrays.sort(all);
    assertThat(merged.total()).isEqualTo(n);
    for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 0.999}) {
      double exact = (double) all[(int) Math.ceil(q * n) - 1];
      double v = merged.valueAt(q, (double) all[0], (double) all[n - 1]);
      assertThat(Math.abs(v - exact) / exact).as("q=%s", q).isLessThanOrEqualTo(1.0 / 128);
    }
  }
}
