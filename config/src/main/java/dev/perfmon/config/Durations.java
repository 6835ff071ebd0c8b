package dev.perfmon.config;

import java.time.Duration;

/**
 * Parsing and formatting of durations: a non-negative decimal number followed by a unit, {@code
 * ns}, {@code us}, {@code ms}, {@code s}, {@code m} (minutes) or {@code h}; a bare number means
 * milliseconds ({@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 500}). Units are lower case;
 * signs, exponents and anything else are rejected, so a typo never turns into a surprising value.
 */
public final class Durations {
  private Durations() {}

  /**
   * Parses {@code text} (surrounding blanks ignored).
   *
   * @throws IllegalArgumentException when the text is not of the form above or overflows
   */
  public static Duration parse(String text) {
    String t = text.trim();
    int i = 0;
    int dots = 0;
    while (i < t.length() && (isAsciiDigit(t.charAt(i)) || t.charAt(i) == '.')) {
      if (t.charAt(i) == '.') {
        dots++;
      }
      i++;
    }
    if (i == 0 || dots > 1 || (dots == 1 && i == 1)) {
      throw new IllegalArgumentException("no number");
    }
    double v = Double.parseDouble(t.substring(0, i)); // digits and at most one dot: always valid
    long nanosPerUnit = nanosPerUnit(t.substring(i).trim());
    double nanos = v * nanosPerUnit;
    if (nanos >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("too large");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  private static long nanosPerUnit(String unit) {
    return switch (unit) {
      case "", "ms" -> 1_000_000L;
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException("unknown unit");
    };
  }

  static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * An exact form {@link #parse} reads back, in the largest unit that divides the value, except
   * that minutes and hours are used only above 60 of the smaller unit: {@code 60s} stays {@code
   * 60s} (the way people write a minute-long interval), {@code 120s} is {@code 2m}, 1500 ms stays
   * {@code 1500ms}.
   */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos > 60 * MINUTE && nanos % HOUR == 0) {
      return nanos / HOUR + "h";
    }
    if (nanos > 60 * SECOND && nanos % MINUTE == 0) {
      return nanos / MINUTE + "m";
    }
    if (nanos != 0 && nanos % SECOND == 0) {
      return nanos / SECOND + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  private static final long SECOND = 1_000_000_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
}
