package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} equal to what the key definitions render. After changing a
 * key, or the template {@code configuration.md.template}, regenerate with {@code mvn -pl config -am test
 * -Dtest=ConfigurationDocsTest -Dperfmon.docs.write=true -Dsurefire.failIfNoSpecifiedTests=false}
 * and commit the file.
 */
class ConfigurationDocsTest {

  private static Path docsFile() {
    Path here = Path.of("").toAbsolutePath();
    Path root = Files.exists(here.resolve("config/pom.xml")) ? here : here.getParent();
    return root.resolve("docs/configuration.md");
  }

  @Test
  void committedDocsMatchTheKeyDefinitions() throws IOException {
    String rendered = ConfigurationDocs.render();
    Path file = docsFile();
    if (Boolean.getBoolean("perfmon.docs.write")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, rendered, StandardCharsets.UTF_8);
    }
    assertThat(file)
        .as("%s is missing or out of date; regenerate it with: mvn -pl config test"
                + " -Dtest=ConfigurationDocsTest -Dperfmon.docs.write=true", file)
        .exists();
    assertThat(Files.readString(file, StandardCharsets.UTF_8))
        .as("%s is out of date; regenerate it with: mvn -pl config test -Dtest=ConfigurationDocsTest"
                + " -Dperfmon.docs.write=true", file)
        .isEqualTo(rendered);
  }

  @Test
  void everyKeyAndFamilyIsDocumented() {
    String rendered = ConfigurationDocs.render();
    for (ConfigKey<?> k : Keys.all()) {
      assertThat(rendered).contains("| `" + k.name() + "` | `" + k.environmentVariable() + "` |");
    }
    for (KeyFamily<?> f : Keys.families()) {
      assertThat(rendered).contains("| `" + f.prefix() + "<glob>` |");
      // The documented example must itself be a valid entry.
      int eq = f.example().indexOf('=');
      assertThat(f.example()).startsWith(f.prefix());
      f.type().parse(f.example().substring(eq + 1));
    }
  }

  @Test
  void everyKeyNamesTheVersionItAppearedIn() {
    for (ConfigKey<?> k : Keys.all()) {
      assertThat(k.since()).as(k.name()).matches("\\d+\\.\\d+\\.\\d+");
      String row = ConfigurationDocs.render().lines()
          .filter(l -> l.startsWith("| `" + k.name() + "` |")).findFirst().orElseThrow();
      assertThat(row).as(k.name()).endsWith(" | " + k.since() + " |");
    }
    for (KeyFamily<?> f : Keys.families()) {
      assertThat(f.since()).as(f.prefix()).matches("\\d+\\.\\d+\\.\\d+");
    }
  }

  @Test
  void eachCategoryWithKeysHasItsTable() {
    String rendered = ConfigurationDocs.render();
    for (ConfigKey<?> k : Keys.all()) {
      String heading = "### " + k.category().title() + "\n";
      assertThat(rendered).contains(heading);
      int table = rendered.indexOf(heading);
      int next = rendered.indexOf("\n#", table + heading.length());
      assertThat(rendered.substring(table, next)).as(k.name()).contains("| `" + k.name() + "` |");
    }
  }

  @Test
  void aPlaceholderWithoutValueOrAValueWithoutPlaceholderIsAnError() {
    assertThat(ConfigurationDocs.fill("a {{keys}} b", Map.of("keys", "K"))).isEqualTo("a K b");
    assertThatThrownBy(() -> ConfigurationDocs.fill("a {{key}} b", Map.of("keys", "K")))
        .hasMessageContaining("no value for placeholder {{key}}");
    assertThatThrownBy(() -> ConfigurationDocs.fill("a b", Map.of("keys", "K")))
        .hasMessageContaining("placeholder {{keys}} is missing");
  }

  @Test
  void documentedPatternExamplesParse() {
    for (String example :
        new String[] {
          "com.example.UserService#getUser",
          "com.example.repo.*#find*",
          "+com.example.Handler#handle",
          "com.example.Api#call(java.lang.String)",
          "com.example.Repo#findUsers=custom.findUsers",
          "@com.example.Traced",
          "com.example.Foo#<init>",
          "+java.lang.Runnable#run",
        }) {
      assertThat(ConfigurationDocs.render()).contains("`" + example + "`");
      assertThat(MethodPattern.parse(example).text()).isEqualTo(example);
    }
  }
}
