package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApiHooksTest {
  private static final int ID = 4321;

  private final List<String[]> slowDetails = new ArrayList<>();
  private final List<Boolean> slowErrors = new ArrayList<>();
  private final SlowCalls.Listener listener =
      (id, nanos, error) -> {
        slowDetails.add(CallDetails.take(id));
        slowErrors.add(error);
      };

  @AfterEach
  void tearDown() {
    SlowCalls.clearListener(listener);
    Recorders.clear();
  }

  private static long[] read(OperationRecorder r) {
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    long calls = 0;
    for (long c : counts) {
      calls += c;
    }
    return new long[] {calls, totals[0]};
  }

  @Test
  void withoutTheAgentNothingIsKnownAndNothingKept() {
    assertThat(ApiHooks.active()).isFalse();
    assertThat(ApiHooks.register("a")).isEqualTo(-1);
    assertThat(ApiHooks.stats("a")).isNull();
    assertThat(ApiHooks.statsUnder("")).isNull();
    ApiHooks.record(-1, 1_000, false, Map.of("k", "v"));
    ApiHooks.clear("");
  }

  @Test
  void metadataReachesTheSlowListenerOnlyForSlowCalls() {
    OperationRecorder r = new OperationRecorder(ID, "api.op");
    r.setSlowThresholdNanos(10_000);
    Recorders.install(r);
    SlowCalls.setListener(listener);

    ApiHooks.record(ID, 5_000, false, Map.of("orderId", "fast"));
    assertThat(slowDetails).isEmpty();
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("orderId", 17);
    md.put("note", null);
    ApiHooks.record(ID, 50_000, true, md);
    ApiHooks.record(ID, 60_000, false, null);

    assertThat(slowDetails).hasSize(2);
    assertThat(slowDetails.get(0)).containsExactly("orderId", "17", "note", null);
    assertThat(slowDetails.get(1)).isNull();
    assertThat(slowErrors).containsExactly(true, false);
    assertThat(read(r)).containsExactly(3, 1);
    assertThat(CallDetails.take(ID)).as("nothing left on the thread").isNull();
  }

  @Test
  void metadataIsBoundedInEntriesAndLength() {
    Map<String, Object> md = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      md.put("k" + i, "x".repeat(i == 0 ? 1000 : 1));
    }
    String[] kv = ApiHooks.details(md);
    assertThat(kv).hasSize(2 * ApiHooks.MAX_METADATA);
    assertThat(kv[1]).hasSize(ApiHooks.MAX_METADATA_CHARS);
  }

  @Test
  void aSampledOperationCountsSkippedCallsWithTheirErrors() {
    OperationRecorder r = new OperationRecorder(ID, "api.sampled");
    r.setSampleRate(0);
    Recorders.install(r);
    for (int i = 0; i < 10; i++) {
      ApiHooks.record(ID, 1_000, i < 3, null);
    }
    long[] skipped = new long[2];
    r.readSkipped(skipped);
    assertThat(skipped).containsExactly(10, 3);
    assertThat(read(r)).containsExactly(0, 0);
  }

  @Test
  void aFailingHandlerNeverReachesTheCaller() {
    ApiHooks.Handler failing =
        new ApiHooks.Handler() {
          @Override
          public int register(String name) {
            throw new IllegalStateException("boom");
          }

          @Override
          public double[] stats(String name) {
            throw new IllegalStateException("boom");
          }

          @Override
          public Map<String, double[]> statsUnder(String prefix) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void clear(String prefix) {
            throw new IllegalStateException("boom");
          }
        };
    ApiHooks.setHandler(failing);
    try {
      assertThat(ApiHooks.active()).isTrue();
      assertThat(ApiHooks.register("a")).isEqualTo(-1);
      assertThat(ApiHooks.stats("a")).isNull();
      assertThat(ApiHooks.statsUnder("")).isNull();
      ApiHooks.clear("");
    } finally {
      assertThat(ApiHooks.clearHandler(failing)).isTrue();
    }
    assertThat(ApiHooks.active()).isFalse();
  }
}
