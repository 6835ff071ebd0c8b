package dev.perfmon.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the configuration file ({@link Properties} syntax, UTF-8) one logical line at a time, so
 * that one bad line costs only itself: a line that is not valid UTF-8 or holds a malformed Unicode
 * escape (backslash, u, four hex digits) is reported with its line number and skipped, every
 * other line applies. A UTF-8 byte-order mark at the start is skipped. A key given on more than
 * one line is reported with the line numbers, and its last value is used (as {@link
 * Properties#load} does).
 *
 * <p>The logical lines are found the way {@link Properties} finds them: a line ending in an odd
 * number of backslashes continues on the next one, except in a comment line ({@code #} or {@code !}
 * first), and lines end at {@code \n}, {@code \r} or {@code \r\n}. Each logical line is then parsed
 * by {@link Properties#load} itself, so keys, values and escapes mean exactly what they mean there.
 */
final class PropertiesFile {
  private PropertiesFile() {}

  /** One entry of the file and the (first) line it is on. */
  record Entry(String value, int line) {}

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /**
   * The entries of the file, key to value and line, in file order; problems are added to {@code
   * problems}, each naming {@code label} (e.g. {@code configuration file '/app/agent.properties'}).
   */
  static Map<String, Entry> parse(byte[] bytes, String label, List<String> problems) {
    int start = startsWith(bytes, BOM) ? BOM.length : 0;
    List<int[]> lines = physicalLines(bytes, start);
    Map<String, Entry> out = new LinkedHashMap<>();
    Map<String, List<Integer>> seenOn = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.size()) {
      int first = i;
      boolean comment = isBlankOrComment(bytes, lines.get(i));
      while (!comment && i + 1 < lines.size() && continues(bytes, lines.get(i))) {
        i++;
      }
      int last = i;
      i++;
      StringBuilder text = new StringBuilder();
      String badByte = null;
      int badLine = 0;
      for (int j = first; j <= last && badByte == null; j++) {
        int[] range = lines.get(j);
        CharsetDecoder decoder =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, range[0], range[1] - range[0]);
        CharBuffer chars = CharBuffer.allocate(range[1] - range[0] + 1);
        CoderResult r = decoder.decode(in, chars, true);
        if (!r.isError()) {
          r = decoder.flush(chars);
        }
        if (r.isError()) {
          badByte = String.format(Locale.ROOT, "0x%02X", bytes[in.position()] & 0xFF);
          badLine = j + 1;
        } else {
          text.append(chars.flip()).append('\n');
        }
      }
      if (badByte != null) {
        problems.add(
            label
                + " line "
                + badLine
                + " is not valid UTF-8 (byte "
                + badByte
                + "); "
                + what(first, last, comment)
                + " ignored, the other lines apply (save the file as UTF-8; a byte-order mark is"
                + " allowed)");
        continue;
      }
      if (comment) {
        continue;
      }
      Properties p = new Properties();
      try {
        p.load(new StringReader(text.toString()));
      } catch (IOException | IllegalArgumentException e) {
        problems.add(
            label
                + " line "
                + (first + 1)
                + ": "
                + withoutFinalDot(String.valueOf(e.getMessage()))
                + "; "
                + what(first, last, false)
                + " ignored, the other lines apply");
        continue;
      }
      for (String name : p.stringPropertyNames()) { // one at most: one logical line
        String key = name.trim();
        List<Integer> seen = seenOn.get(key); // no lambda in premain (docs/startup.md)
        if (seen == null) {
          seen = new ArrayList<>();
          seenOn.put(key, seen);
        }
        seen.add(first + 1);
        out.remove(key); // keep file order = position of the value used
        out.put(key, new Entry(p.getProperty(name), first + 1));
      }
    }
    for (Map.Entry<String, List<Integer>> e : seenOn.entrySet()) {
      List<Integer> on = e.getValue();
      if (on.size() > 1) {
        problems.add(
            "key '"
                + e.getKey()
                + "' is given more than once in "
                + label
                + " (lines "
                + join(on)
                + "); the last value, on line "
                + on.get(on.size() - 1)
                + ", is used");
      }
    }
    return out;
  }

  private static String withoutFinalDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String what(int first, int last, boolean comment) {
    if (comment) {
      return "the comment is";
    }
    return first == last ? "the line is" : "the entry on lines " + (first + 1) + " to " + (last + 1) + " is";
  }

  private static String join(List<Integer> numbers) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < numbers.size(); k++) {
      if (k > 0) {
        sb.append(k == numbers.size() - 1 ? " and " : ", ");
      }
      sb.append(numbers.get(k));
    }
    return sb.toString();
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (bytes[k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * [start, end) of each line without its terminator. Splitting bytes before decoding is safe:
   * in UTF-8 the bytes of {@code \n}, {@code \r} and {@code \\} never occur inside a multi-byte
   * character.
   */
  private static List<int[]> physicalLines(byte[] bytes, int from) {
    List<int[]> out = new ArrayList<>();
    int start = from;
    int k = from;
    while (k < bytes.length) {
      byte b = bytes[k];
      if (b == '\n' || b == '\r') {
        out.add(new int[] {start, k});
        k += b == '\r' && k + 1 < bytes.length && bytes[k + 1] == '\n' ? 2 : 1;
        start = k;
      } else {
        k++;
      }
    }
    if (start < bytes.length) {
      out.add(new int[] {start, bytes.length});
    }
    return out;
  }

  /** Blank, or a comment: the first character that is not white space is # or !. */
  private static boolean isBlankOrComment(byte[] bytes, int[] line) {
    for (int k = line[0]; k < line[1]; k++) {
      byte b = bytes[k];
      if (b != ' ' && b != '\t' && b != '\f') {
        return b == '#' || b == '!';
      }
    }
    return true;
  }

  /** Ends in an odd number of backslashes: the logical line continues on the next one. */
  private static boolean continues(byte[] bytes, int[] line) {
    int n = 0;
    for (int k = line[1] - 1; k >= line[0] && bytes[k] == '\\'; k--) {
      n++;
    }
    return n % 2 == 1;
  }
}
