package dev.perfmon.agent.monitor;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A growable byte buffer that a JSON line is written into: by a Jackson generator (it is the
 * generator's output stream) and, for the bulk of a snapshot (its operations), directly by {@link
 * SnapshotJson} with pre-encoded field names and digits formatted in place, which costs a fraction
 * of the generator's per-value checks and allocates nothing per value.
 *
 * <p>Strings are encoded by Jackson's generator, once per name, so the bytes are those the
 * generator would write. Not thread-safe.
 */
final class JsonBytes extends OutputStream {
  private byte[] buf;
  private int len;

  JsonBytes(int size) {
    buf = new byte[Math.max(256, size)];
  }

  /**
   * {@code units / 10^decimals} (decimals 0..6) as {@link #scaled} writes it, as a string: the
   * numbers of the JSON written through Jackson (the snapshot's {@code agent} and {@code memory}
   * sections, events) that {@code BigDecimal} used to format, whose class initialiser allocates
   * about 2 MB on Java 25.
   */
  static String decimal(long units, int decimals) {
    JsonBytes b = new JsonBytes(0);
    b.scaled(units, decimals);
    return new String(b.buf, 0, b.len, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Empties this buffer for the next line of about {@code size} bytes, keeping its array unless
   * it is too small or much larger than needed: a snapshot writer reuses one buffer rather than
   * allocating (and zeroing) a line's worth of bytes at every snapshot.
   */
  void reset(int size) {
    len = 0;
    int want = Math.max(256, size);
    if (buf.length < want || buf.length > 4 * want) {
      buf = new byte[want];
    }
  }

  /** The bytes written so far and a final newline, in a new array. */
  byte[] toLine() {
    byte[] line = Arrays.copyOf(buf, len + 1);
    line[len] = '\n';
    return line;
  }

  /** The bytes written so far, in a new array. */
  byte[] toText() {
    return Arrays.copyOf(buf, len);
  }

  /** Makes room for {@code more} bytes (see {@link #put}). */
  void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
  }

  /** Appends {@code b} as it is. */
  void raw(byte[] b) {
    write(b, 0, b.length);
  }

  /** Appends {@code b} as it is, in room made by a previous {@link #ensure}. */
  void put(byte[] b) {
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  /** Appends one ASCII character. */
  void raw(char c) {
    write(c);
  }

  /**
   * {@code s} as a JSON string, quoted and escaped by Jackson's generator itself (so that a name
   * written here is byte for byte what the generator writes, surrogate pairs included).
   */
  static byte[] quoted(String s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length() + 16);
    try (JsonGenerator g = STRINGS.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // The agent's factory: its buffer pool is its own, not a thread-local one (see SnapshotJson.FACTORY).
  private static final JsonFactory STRINGS = SnapshotJson.FACTORY;

  /** {@code ,"name":} (or without the comma) as bytes, for a field name written many times. */
  static byte[] fieldName(String name, boolean comma) {
    byte[] q = quoted(name);
    int at = comma ? 1 : 0;
    byte[] f = new byte[q.length + 1 + at];
    if (comma) {
      f[0] = ',';
    }
    System.arraycopy(q, 0, f, at, q.length);
    f[f.length - 1] = ':';
    return f;
  }

  /** Appends {@code v} in decimal, as {@code Long.toString} writes it. */
  void number(long v) {
    if (v >= 0 && v <= Integer.MAX_VALUE) {
      ensure(10);
      digits((int) v);
    } else {
      scaled(v, 0);
    }
  }

  /**
   * Appends {@code units / 10^decimals} (decimals 0..6) as a plain decimal without trailing zeros:
   * the text {@code BigDecimal.valueOf(units).movePointLeft(decimals)} gives with trailing zeros
   * stripped and never an exponent.
   */
  void scaled(long units, int decimals) {
    if (units == Long.MIN_VALUE) {
      // Its magnitude does not fit a long (and no duration is ever near it).
      java.math.BigDecimal d = java.math.BigDecimal.valueOf(units).movePointLeft(decimals);
      String s = d.stripTrailingZeros().toPlainString();
      ensure(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      return;
    }
    ensure(21);
    long v = units;
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    if (decimals == 0) {
      digits(v);
      return;
    }
    // The integer part, then the fraction (below 10^6: int arithmetic) without trailing zeros.
    long pow = POW10[decimals];
    long whole = v / pow;
    int frac = (int) (v - whole * pow);
    digits(whole);
    fraction(frac, decimals);
  }

  /**
   * Appends {@code .} and the {@code decimals} digits of {@code frac} (below {@code
   * 10^decimals}) without trailing zeros (nothing for 0): all the digits written two at a time,
   * then the trailing zeros taken back.
   */
  private void fraction(int frac, int decimals) {
    if (frac == 0) {
      return;
    }
    buf[len++] = '.';
    int end = len + decimals;
    int pos = end;
    int v = frac;
    for (int k = decimals; k >= 2; k -= 2) {
      int q = v / 100;
      int r = (v - q * 100) << 1;
      v = q;
      buf[--pos] = PAIRS[r + 1];
      buf[--pos] = PAIRS[r];
    }
    if ((decimals & 1) != 0) {
      buf[--pos] = (byte) ('0' + v);
    }
    while (buf[end - 1] == '0') {
      end--; // stops at a non-zero digit: frac is not 0
    }
    len = end;
  }

  /** "00", "01", ... "99": the two digits of every number below 100, side by side. */
  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  /** 10^0 to 10^6: the scales of {@link #scaled} (and of SnapshotJson.round). Never written. */
  static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  /** Appends the decimal digits of {@code v} (at least 0). */
  private void digits(long v) {
    if (v <= Integer.MAX_VALUE) {
      digits((int) v);
      return;
    }
    int n = 1;
    for (long p = 10; n < 19 && v >= p; p *= 10) {
      n++;
    }
    int end = len + n;
    int pos = end;
    do {
      buf[--pos] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    len = end;
  }

  /**
   * As {@link #digits(long)} for an int (the common case: int division is cheaper), two digits
   * at a time.
   */
  private void digits(int v) {
    int end = len + length(v);
    int pos = end;
    while (v >= 100) {
      int q = v / 100;
      int r = (v - q * 100) << 1;
      v = q;
      buf[--pos] = PAIRS[r + 1];
      buf[--pos] = PAIRS[r];
    }
    if (v >= 10) {
      buf[--pos] = PAIRS[2 * v + 1];
      buf[--pos] = PAIRS[2 * v];
    } else {
      buf[--pos] = (byte) ('0' + v);
    }
    len = end;
  }

  /** The number of decimal digits of {@code v} (at least 0). */
  private static int length(int v) {
    if (v < 100_000) {
      return v < 100 ? (v < 10 ? 1 : 2) : v < 1_000 ? 3 : v < 10_000 ? 4 : 5;
    }
    return v < 10_000_000
        ? (v < 1_000_000 ? 6 : 7)
        : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
  }

  /**
   * As {@link #millis(double)} for a whole number of nanoseconds (a minimum or maximum), the same
   * text without the conversion to a double and back: exact up to 2^53 ns, beyond which the
   * double's rounding is kept.
   */
  void millis(long nanos) {
    if (nanos < 0 || nanos > 1L << 53) {
      millis((double) nanos);
      return;
    }
    ensure(21);
    long whole = nanos / 1_000_000L;
    digits(whole);
    fraction((int) (nanos - whole * 1_000_000L), 6);
  }

  /** Appends {@code nanos} as milliseconds rounded to the nanosecond (see {@link #scaled}). */
  void millis(double nanos) {
    long v = Math.round(nanos);
    if (v < 0) {
      scaled(v, 6);
      return;
    }
    // As scaled(v, 6), dividing by a constant (a multiplication) rather than by a table's power.
    ensure(21);
    long whole = v / 1_000_000L;
    digits(whole);
    fraction((int) (v - whole * 1_000_000L), 6);
  }
}
