package dev.perfmon.agent.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTML report's series stay bounded, whatever the length of the files or the operations. */
class SeriesTest {
  private static Lines.Snapshot snapshot(long t, int ops) {
    List<Lines.Op> list = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      list.add(new Lines.Op("op" + i, 10, 1, 10, 2, 1, 3, new double[] {2, 2, 2.5, 3, 3}, null));
    }
    return new Lines.Snapshot("f", t, 1, 0, 1000, false, list, null, List.of(), 0);
  }

  @Test
  void aLongSeriesIsThinnedAndKeepsItsTotals() {
    Series s = new Series();
    for (int i = 0; i < 10_000; i++) {
      s.snapshot("jvm", snapshot(i * 1000L, 1), null);
    }
    Series.Points p = s.ops.get("jvm").get("op0");
    assertThat(p.n).isLessThanOrEqualTo(Series.MAX_POINTS).isGreaterThan(Series.MAX_POINTS / 4);
    long calls = 0;
    double secs = 0;
    for (int i = 0; i < p.n; i++) {
      calls += p.calls[i];
      secs += p.secs[i];
    }
    assertThat(calls).isEqualTo(100_000);
    assertThat(secs).isEqualTo(10_000.0);
    assertThat(p.t[p.n - 1]).isEqualTo(9_999_000L);
  }

  @Test
  void manyOperationsShareThePointBudget() {
    Series s = new Series();
    for (int i = 0; i < 3000; i++) {
      s.snapshot("jvm", snapshot(i * 1000L, 2000), null);
    }
    long points = 0;
    for (Series.Points p : s.ops.get("jvm").values()) {
      points += p.n;
    }
    assertThat(s.cap()).isEqualTo(Series.POINT_BUDGET / 2000);
    assertThat(points).isLessThanOrEqualTo(Series.POINT_BUDGET);
  }
}
