package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapClassesTest {
  @Test
  void listsEveryClassOfTheModule() throws IOException, URISyntaxException {
    Path root = Path.of(BootstrapClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> compiled;
    try (Stream<Path> files = Files.walk(root)) {
      compiled =
          files
              .filter(f -> f.toString().endsWith(".class"))
              .map(f -> root.relativize(f).toString())
              .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
              .sorted()
              .toList();
    }
    assertThat(compiled).isNotEmpty();
    assertThat(BootstrapClasses.NAMES)
        .as("every class the advice may reach is initialised in premain")
        .containsExactlyInAnyOrderElementsOf(compiled);
  }

  @Test
  void initialisesAndRecordsNothingVisible() {
    long before = AgentErrors.suppressedCount();
    assertThat(BootstrapClasses.initialise()).isEqualTo(BootstrapClasses.NAMES.length);
    assertThat(BootstrapClasses.initialise()).as("idempotent").isEqualTo(BootstrapClasses.NAMES.length);
    assertThat(Recorders.get(-1)).isNull();
    assertThat(AgentErrors.suppressedCount()).isEqualTo(before);
    assertThat(CallDepth.depth(CallDepth.CATEGORIES - 1)).isZero();
  }
}
