package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationRegistryTest {
  @AfterEach
  void clear() {
    Recorders.clear();
  }

  @Test
  void registrationListenerSeesExistingAndNewRecordersBeforeTheirIdIsUsed() {
    OperationRegistry registry = new OperationRegistry(10, name -> {});
    int a = registry.idOf("a");
    List<String> seen = new ArrayList<>();
    Consumer<OperationRecorder> l =
        r -> {
          seen.add(r.name());
          r.setSlowThresholdNanos(r.name().length() * 1000L);
        };
    registry.addRegistrationListener(l);
    assertThat(seen).containsExactly(Operations.OVERFLOW, "a");
    assertThat(Recorders.get(a).slowThresholdNanos()).isEqualTo(1000);

    int bc = registry.idOf("bc");
    assertThat(seen).containsExactly(Operations.OVERFLOW, "a", "bc");
    assertThat(Recorders.get(bc).slowThresholdNanos()).isEqualTo(2000);

    registry.removeRegistrationListener(l);
    registry.idOf("def");
    assertThat(seen).hasSize(3);
  }

  @Test
  void aThrowingListenerDoesNotStopRegistration() {
    OperationRegistry registry = new OperationRegistry(10, name -> {});
    registry.addRegistrationListener(
        r -> {
          throw new IllegalStateException("boom");
        });
    int id = registry.idOf("x");
    assertThat(id).isPositive();
    assertThat(Recorders.get(id).name()).isEqualTo("x");
  }
}
