package dev.perfmon.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoverageTest {
  private static final Coverage.Skip HUGE =
      new Coverage.Skip("a.B#huge(long)", "method too large to instrument", 70_000);

  @Test
  void aBatchCountsOnlyOnceCommitted() {
    Coverage c = new Coverage(List.of("a.B"), 10);
    assertThat(c.takeChanged()).as("the first report is always written").isTrue();
    Coverage.Batch b = new Coverage.Batch("a.B");
    b.matched("a.B", "small");
    b.skipped("a.B", HUGE);
    assertThat(c.entries().get(0).methods()).as("not committed").isZero();
    assertThat(c.unmatched()).containsExactly("a.B");
    assertThat(c.takeChanged()).isFalse();

    c.commit(b);
    Coverage.Entry e = c.entries().get(0);
    assertThat(e.classes()).isEqualTo(1);
    assertThat(e.methods()).isEqualTo(1);
    assertThat(e.listed()).containsExactly("a.B#small");
    assertThat(e.skipped()).containsExactly(HUGE);
    assertThat(c.takeChanged()).isTrue();

    c.commit(b); // the same class woven again (retransformation): nothing new
    assertThat(c.takeChanged()).isFalse();
    assertThat(c.entries().get(0).skipped()).hasSize(1);
  }

  @Test
  void aPatternWhoseOnlyMethodsWereSkippedIsNotUnmatchedAndCountsNoClass() {
    Coverage c = new Coverage(List.of("a.B", "c.D"), 10);
    Coverage.Batch b = new Coverage.Batch("a.B");
    b.skipped("a.B", HUGE);
    c.commit(b);
    assertThat(c.unmatched()).containsExactly("c.D");
    Coverage.Entry e = c.entries().get(0);
    assertThat(e.classes()).isZero();
    assertThat(e.methods()).isZero();
    assertThat(e.skipped()).containsExactly(HUGE);
  }

  @Test
  void skippedMethodsAreListedEvenWhenMatchedOnesAreNot() {
    Coverage c = new Coverage(List.of("a.B"), 0);
    Coverage.Batch b = new Coverage.Batch("a.B");
    b.matched("a.B", "small");
    b.skipped("a.B", HUGE);
    c.commit(b);
    assertThat(c.entries().get(0).listed()).isEmpty();
    assertThat(c.entries().get(0).skipped()).containsExactly(HUGE);
  }
}
