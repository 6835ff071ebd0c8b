package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketsTest {
  @Test
  void smallValuesHaveExactBuckets() {
    for (long v = 0; v < 128; v++) {
      int i = Buckets.index(v);
      assertThat(Buckets.lowerBound(i)).isEqualTo(v);
      assertThat(Buckets.width(i)).isEqualTo(1);
    }
  }

  @Test
  void everyValueFallsInsideItsBucketAndMidpointIsWithinStatedError() {
    SplittableRandom r = new SplittableRandom(7);
    for (int k = 0; k < 200_000; k++) {
      long v = (long) Math.exp(r.nextDouble() * Math.log(Buckets.MAX_TRACKABLE));
      int i = Buckets.index(v);
      long lo = Buckets.lowerBound(i);
      assertThat(v).isBetween(lo, lo + Buckets.width(i) - 1);
      double err = Math.abs(Buckets.midpoint(i) - v) / Math.max(1, v);
      assertThat(err).isLessThanOrEqualTo(Buckets.RELATIVE_ERROR);
    }
  }

  @Test
  void bucketsAreContiguousAndOrdered() {
    for (int i = 1; i < Buckets.BUCKETS; i++) {
      assertThat(Buckets.lowerBound(i)).isEqualTo(Buckets.lowerBound(i - 1) + Buckets.width(i - 1));
    }
    assertThat(Buckets.index(Buckets.MAX_TRACKABLE)).isEqualTo(Buckets.BUCKETS - 1);
    assertThat(Buckets.index(Long.MAX_VALUE)).isEqualTo(Buckets.BUCKETS - 1);
    assertThat(Buckets.index(-5)).isZero();
    assertThat(Buckets.RELATIVE_ERROR).isLessThan(0.01);
  }
}
