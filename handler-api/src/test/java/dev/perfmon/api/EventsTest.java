package dev.perfmon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsTest {
  @Test
  void slowEventCopiesItsMetadata() {
    Map<String, String> md = new HashMap<>();
    md.put("route", "/owners/{id}");
    SlowOperationEvent e =
        new SlowOperationEvent(
            "servlet.GET /owners/{id}",
            Duration.ofMillis(1500),
            Severity.SLOW,
            Duration.ofSeconds(1),
            Instant.EPOCH,
            "http-1",
            false,
            md);
    md.put("status", "500");
    assertThat(e.metadata()).containsOnlyKeys("route");
    assertThatThrownBy(() -> e.metadata().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Severity.VERY_SLOW.label()).isEqualTo("very-slow");
  }

  @Test
  void snapshotViewFindsOperationsByName() {
    SnapshotView.Figures f =
        new SnapshotView.Figures(
            3, 1, Duration.ofMillis(2), Duration.ofMillis(1), Duration.ofMillis(3),
            Map.of("p50", Duration.ofMillis(2)));
    SnapshotView s =
        new SnapshotView(
            Instant.EPOCH, 1, Duration.ofSeconds(5), Duration.ofSeconds(5),
            List.of(new SnapshotView.OperationStats("a b", f, f, null)),
            -1, -1, List.of(), List.of(), 0);
    assertThat(s.operation("a b").total().successCount()).isEqualTo(2);
    assertThat(s.operation("a")).isNull();
    assertThat(s.operation("a b").metadata()).isEmpty();
  }
}
