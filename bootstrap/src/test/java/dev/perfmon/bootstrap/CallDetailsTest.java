package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallDetailsTest {
  @AfterEach
  void reset() {
    SlowCalls.setListener(null);
    CallDetails.clear();
  }

  @Test
  void slowCallListenerSeesTheDetailsOfItsOwnCallOnly() {
    List<String> seen = new ArrayList<>();
    SlowCalls.Listener l =
        (id, nanos, error) -> {
          String[] d = CallDetails.take(id);
          seen.add(id + ":" + nanos + ":" + (d == null ? "none" : String.join("=", d)));
        };
    SlowCalls.setListener(l);
    OperationRecorder r = new OperationRecorder(7, "op");
    r.setSlowThresholdNanos(1_000);

    CallDetails.put(7, new String[] {"path", "/a"});
    r.record(5_000, false);
    CallDetails.clear();
    r.record(999, false); // fast: not reported
    CallDetails.put(8, new String[] {"path", "/other"}); // details of another operation
    r.record(2_000, true);
    CallDetails.clear();

    assertThat(seen).containsExactly("7:5000:path=/a", "7:2000:none");
    assertThat(CallDetails.take(7)).isNull();
  }

  @Test
  void clearListenerRemovesOnlyTheGivenListener() {
    SlowCalls.Listener a = (id, nanos, error) -> {};
    SlowCalls.Listener b = (id, nanos, error) -> {};
    SlowCalls.setListener(a);
    assertThat(SlowCalls.clearListener(b)).isFalse();
    assertThat(SlowCalls.active()).isTrue();
    assertThat(SlowCalls.clearListener(a)).isTrue();
    assertThat(SlowCalls.active()).isFalse();
  }

  @Test
  void detailsAreThreadConfined() throws Exception {
    CallDetails.put(1, new String[] {"k", "v"});
    String[][] other = new String[1][];
    Thread t = new Thread(() -> other[0] = CallDetails.take(1));
    t.start();
    t.join();
    assertThat(other[0]).isNull();
    assertThat(CallDetails.take(1)).containsExactly("k", "v");
  }
}
