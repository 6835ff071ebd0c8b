package dev.perfmon.instrumentation.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw request URI into a bounded route: query string and path parameters ({@code
 * ;jsessionid=...}) dropped, percent-escapes decoded (UTF-8; malformed escapes are kept as sent),
 * empty segments collapsed, and variable segments replaced:
 *
 * <ul>
 *   <li>all ASCII digits: {@code {id}};
 *   <li>a UUID ({@code 8-4-4-4-12} hex digits): {@code {uuid}};
 *   <li>a token: hex of at least 16 characters, or of at least 8 mixing digits and letters;
 *       base64/base64url-like text of at least 20 characters with digits and letters and either an
 *       upper-case letter or at least 32 characters; a JWT-like {@code a.b.c} of such text; or any
 *       segment longer than {@value #MAX_SEGMENT} characters: {@code {token}}.
 * </ul>
 *
 * <p>The result always starts with {@code /}, contains no control characters, and is at most
 * {@value #MAX_LENGTH} characters long; longer paths are cut at a segment boundary and end in
 * {@code /...}. Stateless and thread-safe; it allocates, so callers cache its results.
 */
final class PathNormalizer {
  static final int MAX_LENGTH = 200;
  static final int MAX_SEGMENT = 64;
  static final String TRUNCATED = "/...";

  private PathNormalizer() {}

  static String normalize(String uri) {
    return path(uri, true);
  }

  /**
   * The same path without variable-segment substitution and without the length cap: what {@code
   * servlet.exclude} and {@code servlet.name-rules} globs are matched against.
   */
  static String plainPath(String uri) {
    return path(uri, false);
  }

  private static String path(String uri, boolean substitute) {
    if (uri == null || uri.isEmpty()) {
      return "/";
    }
    int end = uri.length();
    int q = uri.indexOf('?');
    if (q >= 0) {
      end = q;
    }
    int h = uri.indexOf('#');
    if (h >= 0 && h < end) {
      end = h;
    }
    StringBuilder out = new StringBuilder(Math.min(end + 8, 256));
    boolean trailingSlash = end > 1 && uri.charAt(end - 1) == '/';
    int i = 0;
    while (i < end) {
      int slash = uri.indexOf('/', i);
      int segEnd = slash < 0 || slash > end ? end : slash;
      if (segEnd > i) {
        String segment = segment(uri, i, segEnd, substitute);
        if (!segment.isEmpty()) {
          if (substitute && out.length() + 1 + segment.length() > MAX_LENGTH - TRUNCATED.length()) {
            out.append(TRUNCATED);
            return out.toString();
          }
          out.append('/').append(segment);
        }
      }
      i = segEnd + 1;
    }
    if (out.length() == 0 || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  /** One segment: path parameters cut, decoded, classified. */
  private static String segment(String uri, int from, int to, boolean substitute) {
    int semi = uri.indexOf(';', from);
    if (semi >= 0 && semi < to) {
      to = semi;
    }
    if (to <= from) {
      return "";
    }
    String raw = uri.substring(from, to);
    String s = raw.indexOf('%') >= 0 ? decode(raw) : raw;
    String variable = substitute ? classify(s) : null;
    if (variable != null) {
      return variable;
    }
    return clean(s);
  }

  /** The placeholder for a variable segment, or null when the segment looks like a fixed name. */
  static String classify(String s) {
    int n = s.length();
    if (n == 0) {
      return null;
    }
    if (n > MAX_SEGMENT) {
      return "{token}";
    }
    int digits = 0;
    int lower = 0;
    int upper = 0;
    int hexLetters = 0;
    int dashes = 0;
    int dots = 0;
    int other = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c >= 'a' && c <= 'z') {
        lower++;
        if (c <= 'f') {
          hexLetters++;
        }
      } else if (c >= 'A' && c <= 'Z') {
        upper++;
        if (c <= 'F') {
          hexLetters++;
        }
      } else if (c == '-') {
        dashes++;
      } else if (c == '.') {
        dots++;
      } else if (c == '_' || c == '+' || c == '=' || c == '~') {
        // base64 / base64url alphabet and padding
      } else {
        other++;
      }
    }
    if (digits == n) {
      return "{id}";
    }
    if (n == 36 && dashes == 4 && isUuid(s)) {
      return "{uuid}";
    }
    if (other > 0) {
      return null;
    }
    boolean allHex = digits + hexLetters == n;
    if (allHex && (n >= 16 || (n >= 8 && digits > 0 && hexLetters > 0))) {
      return "{token}";
    }
    if (dots == 0 && n >= 20 && digits > 0 && lower + upper > 0 && (upper > 0 || n >= 32)) {
      return "{token}";
    }
    if (dots == 2 && n >= 20 && isJwtLike(s)) {
      return "{token}";
    }
    return null;
  }

  private static boolean isUuid(String s) {
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (Character.digit(c, 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Three non-empty base64url parts separated by dots, the whole with digits and letters. */
  private static boolean isJwtLike(String s) {
    int first = s.indexOf('.');
    int second = s.indexOf('.', first + 1);
    boolean digit = false;
    boolean letter = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      digit |= c >= '0' && c <= '9';
      letter |= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return first > 0 && second > first + 1 && second < s.length() - 1 && digit && letter;
  }

  /** Replaces control characters (and the replacement character of bad input) with '_'. */
  private static String clean(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || c == '\uFFFD') {
        StringBuilder b = new StringBuilder(s.length());
        for (int j = 0; j < s.length(); j++) {
          char d = s.charAt(j);
          b.append(Character.isISOControl(d) || d == '\uFFFD' ? '_' : d);
        }
        return b.toString();
      }
    }
    return s;
  }

  /** Percent-decodes as UTF-8; returns the input unchanged when it is not valid. */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return raw;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return raw;
        }
        bytes.write((hi << 4) | lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        int cp = raw.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes.toByteArray()));
      String decoded = chars.toString();
      // A decoded '/' would merge or split segments in the route; keep such a segment as sent.
      return decoded.indexOf('/') >= 0 ? raw : decoded;
    } catch (CharacterCodingException e) {
      return raw;
    }
  }
}
