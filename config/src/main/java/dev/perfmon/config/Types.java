package dev.perfmon.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The value types of configuration keys. Strict: anything not of the stated form is rejected. */
public final class Types {
  private Types() {}

  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>() {
        @Override
        public Boolean parse(String text) {
          String t = text.trim().toLowerCase(Locale.ROOT);
          if (t.equals("true")) {
            return Boolean.TRUE;
          }
          if (t.equals("false")) {
            return Boolean.FALSE;
          }
          throw new IllegalArgumentException("not a boolean");
        }

        @Override
        public String expectedForm() {
          return "true or false";
        }
      };

  public static final ValueType<String> STRING =
      new ValueType<>() {
        @Override
        public String parse(String text) {
          return text.trim();
        }

        @Override
        public String expectedForm() {
          return "text";
        }
      };

  /**
   * A list of items separated by {@code ,} or {@code ;}; blank items are dropped. ({@code ;} is
   * the safe separator inside agent arguments, where {@code ,} also separates keys.)
   */
  public static final ValueType<List<String>> LIST =
      new ListType(false, null, "a list separated by , or ;");

  /**
   * Like {@link #LIST}, but separators inside parentheses do not split, so a method pattern's
   * parameter list {@code (java.lang.String,int)} stays in one item. Used by {@code methods}.
   */
  public static final ValueType<List<String>> PATTERN_LIST =
      new ListType(
          true,
          null,
          "method patterns separated by , or ; (separators inside parentheses do not split)");

  /**
   * The longest duration any key accepts: {@code 100000h}, about eleven years. Far beyond any
   * useful interval or threshold, and far enough below {@code Long.MAX_VALUE} nanoseconds that the
   * agent can add a configured duration to a {@code System.nanoTime()} reading without overflow.
   */
  public static final Duration MAX_DURATION = Duration.ofHours(100_000);

  /**
   * Durations: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 500us}, or bare
   * milliseconds, from 0 to {@link #MAX_DURATION}.
   */
  public static final ValueType<Duration> DURATION = durationBetween(Duration.ZERO, MAX_DURATION);

  /** An integer in [min, max]. */
  public static ValueType<Integer> intRange(int min, int max) {
    return new ValueType<>() {
      @Override
      public Integer parse(String text) {
        int v;
        try {
          v = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not an integer");
        }
        if (v < min || v > max) {
          throw new IllegalArgumentException("out of range");
        }
        return v;
      }

      @Override
      public String expectedForm() {
        return "an integer from " + min + " to " + max;
      }
    };
  }

  /** A fraction in [0, 1], written as plain decimal digits ({@code 0.95}, {@code 1}, {@code .5}). */
  public static final ValueType<Double> FRACTION =
      new ValueType<>() {
        @Override
        public Double parse(String text) {
          String t = text.trim();
          // Double.parseDouble also takes "NaN", "1e-1", "0x1p-1" and "0.5f"; none is meant here.
          int dots = 0;
          for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
              dots++;
            } else if (!Durations.isAsciiDigit(c)) {
              throw new IllegalArgumentException("not a number");
            }
          }
          if (t.isEmpty() || dots > 1 || t.equals(".")) {
            throw new IllegalArgumentException("not a number");
          }
          double v = Double.parseDouble(t);
          if (v > 1) {
            throw new IllegalArgumentException("out of range");
          }
          return v;
        }

        @Override
        public String expectedForm() {
          return "a number from 0 to 1";
        }
      };

  /** One word of a fixed set (case-insensitive). */
  public static ValueType<String> oneOf(String... words) {
    Set<String> allowed = Set.of(words);
    return new ValueType<>() {
      @Override
      public String parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(t)) {
          throw new IllegalArgumentException("unknown word");
        }
        return t;
      }

      @Override
      public String expectedForm() {
        return "one of " + String.join(", ", words);
      }
    };
  }

  /** A comma-separated subset of a fixed set of words; {@code none} alone means the empty set. */
  public static ValueType<List<String>> subsetOf(String... words) {
    return new ListType(
        false,
        List.of(words),
        "none, or a list of " + String.join(", ", words) + " separated by , or ;");
  }

  /**
   * A memory size such as {@code 512KB}, {@code 500MB} or {@code 2GB} (binary units; a bare number
   * is bytes), in bytes. See {@link Sizes}.
   */
  public static final ValueType<Long> SIZE =
      new ValueType<>() {
        @Override
        public Long parse(String text) {
          return Sizes.parse(text);
        }

        @Override
        public String expectedForm() {
          return "a size such as 512KB, 500MB or 2GB (binary units) or a bare number of bytes";
        }

        @Override
        public String format(Long value) {
          return Sizes.format(value);
        }
      };

  /** A duration of at least {@code min} (and at most {@link #MAX_DURATION}); see {@link #DURATION}. */
  public static ValueType<Duration> durationAtLeast(Duration min) {
    return durationBetween(min, MAX_DURATION);
  }

  /**
   * A duration in [min, max]. The expected form states the range, so a value of the right form
   * but out of range ({@code 5ms} for {@code interval}, {@code 200000h}) gets a message that says
   * what is allowed.
   */
  static ValueType<Duration> durationBetween(Duration min, Duration max) {
    return new ValueType<>() {
      @Override
      public Duration parse(String text) {
        Duration d = Durations.parse(text);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
          throw new IllegalArgumentException("out of range");
        }
        return d;
      }

      @Override
      public String expectedForm() {
        return "a duration such as 250ms, 5s, 2m or a bare number of milliseconds, from "
            + (min.isZero() ? "0" : Durations.format(min))
            + " to "
            + Durations.format(max);
      }

      @Override
      public String format(Duration value) {
        return Durations.format(value);
      }
    };
  }

  /**
   * A file path (relative to the working directory or absolute). Blank is rejected like any
   * other bad value, rather than becoming a path the output cannot open; so is a text the file
   * system cannot name (a NUL character, for instance).
   */
  public static final ValueType<String> PATH =
      new ValueType<>() {
        @Override
        public String parse(String text) {
          String t = text.trim();
          if (t.isEmpty()) {
            throw new IllegalArgumentException("empty");
          }
          try {
            if (java.nio.file.Path.of(t).getFileName() == null) {
              throw new IllegalArgumentException("no file name"); // "/" names no file
            }
          } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("not a path", e);
          }
          return t;
        }

        @Override
        public String expectedForm() {
          return "a file path (not empty)";
        }
      };

  /**
   * A value that may be left unset: a blank text means {@link Optional#empty()}, shown as an empty
   * value. Used where "not configured" has its own meaning (e.g. {@code memory.interval}: same as
   * {@code interval}), so that no magic value such as {@code 0} or {@code -1} is needed.
   */
  public static <T> ValueType<Optional<T>> optional(ValueType<T> type) {
    return new ValueType<>() {
      @Override
      public Optional<T> parse(String text) {
        return text.isBlank() ? Optional.empty() : Optional.of(type.parse(text));
      }

      @Override
      public String expectedForm() {
        return type.expectedForm() + ", or empty for unset";
      }

      @Override
      public String format(Optional<T> value) {
        return value.isPresent() ? type.format(value.get()) : "";
      }
    };
  }

  /**
   * A list of at least one and at most 100 durations greater than zero, in strictly ascending
   * order, e.g. {@code 1ms,5ms,25ms,100ms} (the bucket bounds of a histogram). The value stays a
   * list of texts; each item reads with {@link Durations#parse}.
   */
  public static final ValueType<List<String>> ASCENDING_DURATIONS =
      new ListType(
          false,
          null,
          "1 to 100 durations above 0 in strictly ascending order, separated by , or ; (e.g. 1ms;5ms;25ms)",
          new java.util.function.Consumer<List<String>>() { // not a lambda: see the package-info of dev.perfmon.instrumentation.api
            @Override
            public void accept(List<String> items) {
              if (items.isEmpty() || items.size() > 100) {
                throw new IllegalArgumentException("needs 1 to 100 durations");
              }
              Duration previous = Duration.ZERO;
              for (String item : items) {
                Duration d = Durations.parse(item);
                if (d.compareTo(previous) <= 0) {
                  throw new IllegalArgumentException("not above 0 and ascending");
                }
                previous = d;
              }
            }
          });

  /**
   * A TCP port, 0 to 65535 (0: the system picks a free one), or blank for off.
   */
  public static final ValueType<java.util.Optional<Integer>> OPTIONAL_PORT = optional(intRange(0, 65_535));

  /**
   * A host name or IP address to bind to: not blank, without spaces, slashes or a port.
   */
  public static final ValueType<String> HOST =
      new ValueType<>() {
        @Override
        public String parse(String text) {
          String t = text.trim();
          if (t.isEmpty()) {
            throw new IllegalArgumentException("empty");
          }
          for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%')) {
              throw new IllegalArgumentException("not a host name or address");
            }
          }
          if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            throw new IllegalArgumentException("a port is given with its own key");
          }
          return t;
        }

        @Override
        public String expectedForm() {
          return "a host name or IP address (without a port), e.g. 127.0.0.1, 0.0.0.0 or ::1";
        }
      };

  /** What {@link #SECRET} shows instead of a value that is set. */
  public static final String MASK = "****";

  /**
   * A secret text (e.g. a bearer token): any text is accepted, and it is never shown: {@link
   * ValueType#format} gives {@link #MASK} when set, so the start-up line, the status file and the
   * {@code status} command never carry it.
   */
  public static final ValueType<String> SECRET =
      new ValueType<>() {
        @Override
        public String parse(String text) {
          return text.trim();
        }

        @Override
        public String expectedForm() {
          return "any text (shown masked as " + MASK + ")";
        }

        @Override
        public String format(String value) {
          return value.isEmpty() ? "" : MASK;
        }
      };
}
