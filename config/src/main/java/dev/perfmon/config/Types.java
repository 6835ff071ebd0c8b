package dev.perfmon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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

  /** Comma-separated list; blank items are dropped. */
  public static final ValueType<List<String>> LIST =
      new ValueType<>() {
        @Override
        public List<String> parse(String text) {
          List<String> out = new ArrayList<>();
          for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
              out.add(p);
            }
          }
          return Collections.unmodifiableList(out);
        }

        @Override
        public String expectedForm() {
          return "a comma-separated list";
        }

        @Override
        public String format(List<String> value) {
          return String.join(",", value);
        }
      };

  /** Durations: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 500us}, or bare milliseconds. */
  public static final ValueType<Duration> DURATION =
      new ValueType<>() {
        @Override
        public Duration parse(String text) {
          return Durations.parse(text);
        }

        @Override
        public String expectedForm() {
          return "a duration such as 250ms, 5s, 2m or a bare number of milliseconds";
        }

        @Override
        public String format(Duration value) {
          return Durations.format(value);
        }
      };

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

  /** A fraction in [0, 1]. */
  public static final ValueType<Double> FRACTION =
      new ValueType<>() {
        @Override
        public Double parse(String text) {
          double v;
          try {
            v = Double.parseDouble(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
          }
          if (!(v >= 0 && v <= 1)) {
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
    Set<String> allowed = Set.of(words);
    return new ValueType<>() {
      @Override
      public List<String> parse(String text) {
        List<String> items = LIST.parse(text.toLowerCase(Locale.ROOT));
        if (items.size() == 1 && items.get(0).equals("none")) {
          return List.of();
        }
        for (String item : items) {
          if (!allowed.contains(item)) {
            throw new IllegalArgumentException("unknown word " + item);
          }
        }
        if (items.isEmpty()) {
          throw new IllegalArgumentException("empty");
        }
        return items;
      }

      @Override
      public String expectedForm() {
        return "none, or a comma-separated list of " + String.join(", ", words);
      }

      @Override
      public String format(List<String> value) {
        return value.isEmpty() ? "none" : String.join(",", value);
      }
    };
  }
}
