package dev.perfmon.config;

import java.time.Duration;

/** Parsing and formatting of durations ({@code 250ms}, {@code 5s}, {@code 2m}, bare = ms). */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    String t = text.trim();
    int i = 0;
    while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("no number");
    }
    String number = t.substring(0, i);
    String unit = t.substring(i).trim();
    double v;
    try {
      v = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad number");
    }
    long nanosPerUnit;
    switch (unit) {
      case "":
      case "ms":
        nanosPerUnit = 1_000_000L;
        break;
      case "ns":
        nanosPerUnit = 1L;
        break;
      case "us":
        nanosPerUnit = 1_000L;
        break;
      case "s":
        nanosPerUnit = 1_000_000_000L;
        break;
      case "m":
        nanosPerUnit = 60_000_000_000L;
        break;
      case "h":
        nanosPerUnit = 3_600_000_000_000L;
        break;
      default:
        throw new IllegalArgumentException("unknown unit");
    }
    double nanos = v * nanosPerUnit;
    if (nanos > Long.MAX_VALUE) {
      throw new IllegalArgumentException("too large");
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos % 3_600_000_000_000L == 0 && nanos != 0) {
      return nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0 && nanos != 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0 && nanos != 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }
}
