package dev.perfmon.config;

/**
 * Parsing and formatting of memory sizes: a non-negative decimal number followed by {@code B},
 * {@code KB}, {@code MB} or {@code GB} (also {@code K}, {@code M}, {@code G} as in {@code -Xmx};
 * case-insensitive); a bare number means bytes. Units are binary, like the JVM's own flags: {@code
 * 1KB} = 1024 bytes, {@code 1MB} = 1024 KB. Fractions are rounded down to whole bytes.
 */
public final class Sizes {
  private Sizes() {}

  private static final long KB = 1024L;
  private static final long MB = KB * 1024L;
  private static final long GB = MB * 1024L;

  /**
   * Parses {@code text} into bytes.
   *
   * @throws IllegalArgumentException when the text is not of the form above or overflows
   */
  public static long parse(String text) {
    String t = text.trim();
    int i = 0;
    int dots = 0;
    while (i < t.length() && (Durations.isAsciiDigit(t.charAt(i)) || t.charAt(i) == '.')) {
      if (t.charAt(i) == '.') {
        dots++;
      }
      i++;
    }
    if (i == 0 || dots > 1 || (dots == 1 && i == 1)) {
      throw new IllegalArgumentException("no number");
    }
    double v = Double.parseDouble(t.substring(0, i));
    long unit =
        switch (t.substring(i).trim().toUpperCase(java.util.Locale.ROOT)) {
          case "", "B" -> 1L;
          case "K", "KB" -> KB;
          case "M", "MB" -> MB;
          case "G", "GB" -> GB;
          default -> throw new IllegalArgumentException("unknown unit");
        };
    double bytes = v * unit;
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("too large");
    }
    return (long) bytes;
  }

  /** The largest unit that divides the value exactly: {@code 524288000} is {@code 500MB}. */
  public static String format(long bytes) {
    if (bytes != 0 && bytes % GB == 0) {
      return bytes / GB + "GB";
    }
    if (bytes != 0 && bytes % MB == 0) {
      return bytes / MB + "MB";
    }
    if (bytes != 0 && bytes % KB == 0) {
      return bytes / KB + "KB";
    }
    return bytes + "B";
  }
}
