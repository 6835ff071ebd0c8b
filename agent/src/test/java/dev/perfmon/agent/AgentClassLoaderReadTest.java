package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** How the agent's class loader reads a class file of its jar: the stated size, checked. */
class AgentClassLoaderReadTest {
  private static final byte[] BYTES = new byte[20_000];

  static {
    for (int i = 0; i < BYTES.length; i++) {
      BYTES[i] = (byte) i;
    }
  }

  @Test
  void readsAnEntryOfTheStatedSize() throws IOException {
    assertThat(AgentClassLoader.read(new ByteArrayInputStream(BYTES), BYTES.length)).isEqualTo(BYTES);
  }

  @Test
  void readsAnEntryOfUnknownSizeWhole() throws IOException {
    assertThat(AgentClassLoader.read(new ByteArrayInputStream(BYTES), -1)).isEqualTo(BYTES);
  }

  @Test
  void anEntryShorterOrLongerThanStatedIsAnError() {
    assertThatThrownBy(() -> AgentClassLoader.read(new ByteArrayInputStream(BYTES), BYTES.length + 1))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> AgentClassLoader.read(new ByteArrayInputStream(BYTES), BYTES.length - 1))
        .isInstanceOf(IOException.class);
  }
}
