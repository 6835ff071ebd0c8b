package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NamePrefixesTest {
  private static boolean startsWithAny(String name, String... prefixes) {
    for (String p : prefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void matchesExactlyTheNamesThatStartWithAPrefix() {
    NamePrefixes p = NamePrefixes.of("java.", "javax.", "jdk.", "org.apache.catalina.", "org.apache.coyote.", "org.h2.");
    assertThat(p.matches("java.lang.String")).isTrue();
    assertThat(p.matches("javax.sql.DataSource")).isTrue();
    assertThat(p.matches("java.")).isTrue();
    assertThat(p.matches("java")).isFalse();
    assertThat(p.matches("javafx.Foo")).isFalse();
    assertThat(p.matches("org.apache.catalina.core.StandardWrapper")).isTrue();
    assertThat(p.matches("org.apache.tomcat.Foo")).isFalse();
    assertThat(p.matches("org.h2.jdbc.JdbcConnection")).isTrue();
    assertThat(p.matches("org.h3.X")).isFalse();
    assertThat(p.matches("")).isFalse();
  }

  @Test
  void aPrefixOfAnotherPrefixCoversIt() {
    NamePrefixes p = NamePrefixes.of("org.apache.tomcat.util.", "org.", "org.apache.");
    assertThat(p.matches("org.x")).isTrue();
    assertThat(p.matches("or")).isFalse();
    assertThat(p.matches("com.x")).isFalse();
  }

  @Test
  void noPrefixesMatchNothingAndTheEmptyPrefixMatchesEverything() {
    assertThat(NamePrefixes.of().matches("a.B")).isFalse();
    assertThat(NamePrefixes.of().matches("")).isFalse();
    assertThat(NamePrefixes.of("x.", "").matches("a.B")).isTrue();
    assertThat(NamePrefixes.of("").matches("")).isTrue();
  }

  @Test
  void agreesWithStartsWithOnRandomNamesAndPrefixes() {
    Random r = new Random(42);
    String alphabet = "ab./$c";
    for (int round = 0; round < 300; round++) {
      List<String> prefixes = new ArrayList<>();
      int count = r.nextInt(12);
      for (int i = 0; i < count; i++) {
        prefixes.add(random(r, alphabet, 1 + r.nextInt(6)));
      }
      String[] array = prefixes.toArray(new String[0]);
      NamePrefixes p = NamePrefixes.of(array);
      for (int k = 0; k < 200; k++) {
        String name = random(r, alphabet, r.nextInt(9));
        assertThat(p.matches(name)).as("%s against %s", name, prefixes).isEqualTo(startsWithAny(name, array));
      }
    }
  }

  private static String random(Random r, String alphabet, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }
}
