package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
