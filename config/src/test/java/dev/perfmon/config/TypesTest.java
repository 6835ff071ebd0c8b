package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TypesTest {

  @ParameterizedTest(name = "{0} = {1} ns")
  @CsvSource({
    "250ms, 250000000",
    "5s, 5000000000",
    "2m, 120000000000",
    "1h, 3600000000000",
    "500, 500000000",
    "0, 0",
    "1.5s, 1500000000",
    ".5s, 500000000",
    "' 7s ', 7000000000",
    "5 s, 5000000000",
    "10us, 10000",
    "3ns, 3",
  })
  void durationForms(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    assertThat(Types.DURATION.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", " ", "-5s", "+5s", "fast", "5x", "5sec", "5S", "1e3", ".", "1.2.3s", "s", "5ms5", "NaN", "99999999999999h", "100001h", "6000001m"})
  void badDurationsAreRejected(String text) {
    assertThatThrownBy(() -> Types.DURATION.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"60000000000, 60s", "120000000000, 2m", "3600000000000, 60m", "1500000000, 1500ms", "5000000000, 5s", "0, 0ms", "1500, 1500ns", "7000, 7us", "7200000000000, 2h", "90000000000, 90s"})
  void durationFormatIsExactAndReadsBack(long nanos, String text) {
    assertThat(Durations.format(Duration.ofNanos(nanos))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
  }

  @Test
  void durationAtLeastRejectsSmallerValues() {
    ValueType<Duration> t = Types.durationAtLeast(Duration.ofMillis(10));
    assertThat(t.parse("10ms")).isEqualTo(Duration.ofMillis(10));
    assertThatThrownBy(() -> t.parse("0")).isInstanceOf(IllegalArgumentException.class);
    assertThat(t.parse("100000h")).isEqualTo(Duration.ofHours(100_000));
    assertThatThrownBy(() -> t.parse("100001h")).isInstanceOf(IllegalArgumentException.class);
    assertThat(t.expectedForm()).endsWith(", from 10ms to 100000h");
  }

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "500MB, 524288000",
    "500mb, 524288000",
    "512KB, 524288",
    "512k, 524288",
    "2GB, 2147483648",
    "2G, 2147483648",
    "100, 100",
    "100B, 100",
    "1.5KB, 1536",
    "0, 0",
  })
  void sizeForms(String text, long bytes) {
    assertThat(Types.SIZE.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1MB", "big", "5TB", "5 MiB", "1e6", "99999999999GB"})
  void badSizesAreRejected(String text) {
    assertThatThrownBy(() -> Types.SIZE.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"524288000, 500MB", "2147483648, 2GB", "1536, 1536B", "2048, 2KB", "0, 0B"})
  void sizeFormat(long bytes, String text) {
    assertThat(Sizes.format(bytes)).isEqualTo(text);
    assertThat(Sizes.parse(text)).isEqualTo(bytes);
  }

  @Test
  void booleans() {
    assertThat(Types.BOOLEAN.parse(" TRUE ")).isTrue();
    assertThat(Types.BOOLEAN.parse("false")).isFalse();
    assertThatThrownBy(() -> Types.BOOLEAN.parse("yes")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Types.BOOLEAN.parse("1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fractions() {
    assertThat(Types.FRACTION.parse("0.95")).isEqualTo(0.95);
    assertThat(Types.FRACTION.parse("1")).isEqualTo(1.0);
    assertThat(Types.FRACTION.parse("0")).isEqualTo(0.0);
    assertThat(Types.FRACTION.parse(".5")).isEqualTo(0.5);
    for (String bad : List.of("1.01", "-0.1", "NaN", "1e-1", "0x1p-1", "0.5f", "", "half", ".")) {
      assertThatThrownBy(() -> Types.FRACTION.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void integerRanges() {
    ValueType<Integer> t = Types.intRange(1, 10);
    assertThat(t.parse(" 7 ")).isEqualTo(7);
    assertThatThrownBy(() -> t.parse("0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.parse("11")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.parse("7.0")).isInstanceOf(IllegalArgumentException.class);
    assertThat(t.expectedForm()).isEqualTo("an integer from 1 to 10");
  }

  @Test
  void oneOfIsCaseInsensitiveAndStrict() {
    ValueType<String> t = Types.oneOf("normalized", "verb-table");
    assertThat(t.parse("Verb-Table")).isEqualTo("verb-table");
    assertThatThrownBy(() -> t.parse("verb")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsSplitAtCommasAndSemicolonsAndDropBlanks() {
    assertThat(Types.LIST.parse(" /health, /metrics/* ;; /x ,")).containsExactly("/health", "/metrics/*", "/x");
    assertThat(Types.LIST.parse("")).isEmpty();
    assertThat(Types.LIST.format(List.of("a", "b"))).isEqualTo("a,b");
  }

  @Test
  void patternListKeepsParameterListsTogether() {
    assertThat(
            Types.PATTERN_LIST.parse(
                "com.example.Api#call(java.lang.String,int), com.example.Repo#find*;com.example.X#y()"))
        .containsExactly("com.example.Api#call(java.lang.String,int)", "com.example.Repo#find*", "com.example.X#y()");
    // Plain lists do split there.
    assertThat(Types.LIST.parse("a(b,c)")).containsExactly("a(b", "c)");
  }

  @Test
  void subsetOf() {
    ValueType<List<String>> t = Types.subsetOf("file", "log");
    assertThat(t.parse("file,LOG")).containsExactly("file", "log");
    assertThat(t.parse("log;file")).containsExactly("log", "file");
    assertThat(t.parse("none")).isEmpty();
    assertThat(t.format(List.of())).isEqualTo("none");
    assertThatThrownBy(() -> t.parse("file,http")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionalTypesTakeBlankAsUnset() {
    ValueType<Optional<Long>> t = Types.optional(Types.SIZE);
    assertThat(t.parse("  ")).isEmpty();
    assertThat(t.parse("1KB")).contains(1024L);
    assertThat(t.format(Optional.empty())).isEmpty();
    assertThat(t.format(Optional.of(1024L))).isEqualTo("1KB");
    assertThatThrownBy(() -> t.parse("lots")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyDefaultFormatsToATextItsTypeReadsBack() {
    for (ConfigKey<?> k : Keys.all()) {
      assertRoundTrip(k);
    }
  }

  private static <T> void assertRoundTrip(ConfigKey<T> k) {
    String text = k.type().format(k.defaultValue());
    assertThat(k.type().parse(text)).as(k.name()).isEqualTo(k.defaultValue());
  }
}
