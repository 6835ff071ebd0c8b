package dev.perfmon.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

class WeaveWarmUpTest {
  @Test
  void weavesTheAdviceIntoTheTargetsClassFileWithoutLoadingIt() throws Exception {
    byte[] original;
    try (InputStream in = WeaveWarmUp.class.getResourceAsStream("WeaveWarmUp$Target.class")) {
      original = in.readAllBytes();
    }
    int woven = WeaveWarmUp.run();
    assertThat(woven).as("the advice's code was added to run()").isGreaterThan(original.length);
    assertThat(WeaveWarmUp.run()).as("the same again: nothing kept between runs").isEqualTo(woven);
  }
}
