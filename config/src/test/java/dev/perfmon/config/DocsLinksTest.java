package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md leads somewhere: the file exists, and a {@code
 * #anchor} into a Markdown page names one of its headings (as GitHub derives anchors). Pages move
 * between README.md and docs/; links must not break when they do.
 */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("config/pom.xml")) ? here : here.getParent();
  }

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root().resolve("README.md"));
    try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      Matcher m = LINK.matcher(withoutCodeBlocks(Files.readString(page, StandardCharsets.UTF_8)));
      while (m.find()) {
        String target = m.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // http:, https:, mailto:
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(root().relativize(page) + ": " + target + " (no such file)");
        } else if (hash >= 0 && resolved.toString().endsWith(".md")
            && !anchors(resolved).contains(target.substring(hash + 1))) {
          broken.add(root().relativize(page) + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(checked).isGreaterThan(20);
    assertThat(broken).isEmpty();
  }

  @Test
  void anchorsAreDerivedAsGitHubDoes() {
    assertThat(anchor("The Java 21+ \"dynamically loaded agent\" warning")).isEqualTo("the-java-21-dynamically-loaded-agent-warning");
    assertThat(anchor("Slow calls, budgets, sampling, memory warnings and handlers"))
        .isEqualTo("slow-calls-budgets-sampling-memory-warnings-and-handlers");
    assertThat(anchor("Method patterns (`methods`)")).isEqualTo("method-patterns-methods");
  }

  private static Set<String> anchors(Path page) throws IOException {
    Set<String> out = new HashSet<>();
    for (String line : withoutCodeBlocks(Files.readString(page, StandardCharsets.UTF_8)).lines().toList()) {
      if (line.matches("^#{1,6} .*")) {
        out.add(anchor(line.replaceFirst("^#+ ", "")));
      }
    }
    return out;
  }

  /** GitHub's rule: lower case, punctuation other than '-' and '_' removed, spaces as '-'. */
  static String anchor(String heading) {
    return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static String withoutCodeBlocks(String text) {
    return text.replaceAll("(?s)```.*?```", "");
  }
}
