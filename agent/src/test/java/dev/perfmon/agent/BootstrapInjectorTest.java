package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {
  @Test
  void eachStartGetsItsOwnNewEmptyFileInTheTemporaryDirectory() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path a = BootstrapInjector.newFile(tmp, "perfmon-bootstrap-", ".jar");
    Path b = BootstrapInjector.newFile(tmp, "perfmon-bootstrap-", ".jar");
    try {
      assertThat(a).isNotEqualTo(b);
      for (Path p : new Path[] {a, b}) {
        assertThat(p.getParent()).isEqualTo(tmp);
        assertThat(p.getFileName().toString())
            .startsWith("perfmon-bootstrap-")
            .endsWith(".jar");
        assertThat(Files.isRegularFile(p)).isTrue();
        assertThat(Files.isSymbolicLink(p)).isFalse();
        assertThat(Files.size(p)).isZero();
      }
    } finally {
      Files.deleteIfExists(a);
      Files.deleteIfExists(b);
    }
  }

  /**
   * The generated definer is a verifiable BiFunction that calls jdk.internal.misc.Unsafe: in this
   * JVM the package is not exported to the test's module, so the call is refused at that reference
   * (the agent exports it to its own loader first; the integration tests start real agents).
   */
  @Test
  void theBootLoaderDefinerIsABiFunctionThatCallsTheJdksUnsafe() throws Exception {
    byte[] file = BootstrapInjector.definerClassFile();
    ClassLoader loader =
        new ClassLoader(getClass().getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals(BootstrapInjector.DEFINER)) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, file, 0, file.length);
          }
        };
    Class<?> type = Class.forName(BootstrapInjector.DEFINER, true, loader); // verified here
    assertThat(type.getInterfaces()).containsExactly(BiFunction.class);
    @SuppressWarnings("unchecked")
    BiFunction<String, byte[], Class<?>> definer =
        (BiFunction<String, byte[], Class<?>>) type.getDeclaredConstructor().newInstance();
    assertThat(BootstrapInjector.class.getModule().isNamed()).isFalse();
    assertThatThrownBy(() -> definer.apply("dev.perfmon.x.Never", new byte[0]))
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc.Unsafe");
  }
}
