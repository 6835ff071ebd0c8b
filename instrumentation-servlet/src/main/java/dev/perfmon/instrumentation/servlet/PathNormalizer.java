package dev.perfmon.instrumentation.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a raw request URI into a bounded route that carries no query string, path parameter or
 * variable value. See {@code docs/privacy.md} for the user-facing version.
 *
 * <ul>
 *   <li>An absolute-form URI loses its {@code scheme://user:password@host:port}.
 *   <li>Everything from the first {@code ?} or {@code #}, and from the first percent-encoded one
 *       ({@code %3F}, {@code %23}, any case, also when it only appears after decoding, as with
 *       {@code %253F}), is dropped: that is a query string or fragment, and so is every segment
 *       after it.
 *   <li>Path parameters are dropped: a segment ends at its first {@code ;} or {@code %3B}
 *       ({@code ;jsessionid=...}).
 *   <li>Percent-escapes are decoded (UTF-8; a segment with a malformed escape is kept as sent; a
 *       decoded {@code /} stays {@code %2F}); empty segments are collapsed.
 * </ul>
 *
 * <p>Variable segments are replaced:
 *
 * <ul>
 *   <li>all ASCII digits: {@code {id}};
 *   <li>a UUID ({@code 8-4-4-4-12} hex digits): {@code {uuid}};
 *   <li>a token: hex of at least 16 characters, or of at least 8 mixing digits and letters;
 *       base64/base64url-like text of at least 20 characters with digits and letters and either an
 *       upper-case letter or at least 32 characters; a JWT-like {@code a.b.c} of such text; a token
 *       embedded in other text (a run of at least {@value #HEX_RUN} hex digits, or of at least
 *       {@value #ALNUM_RUN} letters and digits mixing both, as in {@code reset-<hex>} or {@code
 *       <hex>.json}); or any segment longer than {@value #MAX_SEGMENT} characters: {@code {token}}.
 * </ul>
 *
 * <p>The result always starts with {@code /}, contains no control characters, and is at most
 * {@value #MAX_LENGTH} characters long; longer paths are cut at a segment boundary and end in
 * {@code /...}. Linear in the URI's length. Stateless and thread-safe; it allocates, so callers
 * cache its results.
 */
final class PathNormalizer {
  static final int MAX_LENGTH = 200;
  static final int MAX_SEGMENT = 64;
  static final String TRUNCATED = "/...";
  static final int HEX_RUN = 16;
  static final int ALNUM_RUN = 32;

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
    int start = afterAuthority(uri);
    int end = uri.length();
    int q = uri.indexOf('?', start);
    if (q >= 0) {
      end = q;
    }
    int h = uri.indexOf('#', start);
    if (h >= 0 && h < end) {
      end = h;
    }
    StringBuilder out = new StringBuilder(Math.min(end - start + 8, 256));
    boolean trailingSlash = end > start + 1 && uri.charAt(end - 1) == '/';
    boolean[] stop = new boolean[1];
    int i = start;
    while (i < end) {
      int segEnd = i;
      while (segEnd < end && uri.charAt(segEnd) != '/') {
        segEnd++;
      }
      if (segEnd > i) {
        String segment = segment(uri, i, segEnd, substitute, stop);
        if (!segment.isEmpty()) {
          if (substitute && out.length() + 1 + segment.length() > MAX_LENGTH - TRUNCATED.length()) {
            out.append(TRUNCATED);
            return out.toString();
          }
          out.append('/').append(segment);
        }
        if (stop[0]) {
          // An encoded '?' or '#' started what the client sent as a query string or fragment:
          // nothing after it belongs to the route.
          trailingSlash = false;
          break;
        }
      }
      i = segEnd + 1;
    }
    if (out.length() == 0 || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  /**
   * Where the path starts: after {@code scheme://user:password@host:port} when the URI is in
   * absolute form (a request line such as {@code GET http://user:pw@host/x}), else 0.
   */
  private static int afterAuthority(String uri) {
    if (uri.charAt(0) == '/') {
      return 0;
    }
    int colon = uri.indexOf("://");
    if (colon <= 0) {
      return 0;
    }
    for (int i = 0; i < colon; i++) {
      char c = uri.charAt(i);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      boolean other = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
      if (!(letter || (i > 0 && other))) {
        return 0;
      }
    }
    int slash = uri.indexOf('/', colon + 3);
    return slash < 0 ? uri.length() : slash;
  }

  /**
   * One segment {@code [from, to)} of the URI: cut at its first delimiter, decoded, cut again at a
   * delimiter that decoding revealed ({@code %253F} is {@code %3F} to the application), then
   * classified. Sets {@code stop[0]} when the delimiter was a (encoded) {@code ?} or {@code #}.
   */
  private static String segment(String uri, int from, int to, boolean substitute, boolean[] stop) {
    int cut = delimiter(uri, from, to);
    stop[0] = cut < to && endsPath(uri, cut);
    if (cut <= from) {
      return "";
    }
    String raw = uri.substring(from, cut);
    boolean encoded = raw.indexOf('%') >= 0;
    String s = encoded ? decode(raw) : raw;
    if (encoded) {
      int again = delimiter(s, 0, s.length());
      if (again < s.length()) {
        stop[0] |= endsPath(s, again);
        s = s.substring(0, again);
        if (s.isEmpty()) {
          return "";
        }
      }
    }
    String variable = substitute ? classify(s) : null;
    if (variable != null) {
      return variable;
    }
    return clean(s);
  }

  /**
   * The first delimiter in {@code [from, to)}: {@code ;} (path parameters), {@code ?}, {@code #},
   * or their percent-encodings {@code %3B}, {@code %3F}, {@code %23} (any case); {@code to} when
   * there is none.
   */
  private static int delimiter(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == ';' || c == '?' || c == '#') {
        return i;
      }
      if (c == '%' && i + 2 < to) {
        char a = s.charAt(i + 1);
        char b = s.charAt(i + 2);
        if ((a == '3' && (b == 'B' || b == 'b' || b == 'F' || b == 'f')) || (a == '2' && b == '3')) {
          return i;
        }
      }
    }
    return to;
  }

  /** Whether the delimiter at {@code i} ends the path ({@code ?}, {@code #}) rather than a segment. */
  private static boolean endsPath(String s, int i) {
    char c = s.charAt(i);
    if (c == '%') {
      char b = s.charAt(i + 2);
      return !(b == 'B' || b == 'b');
    }
    return c != ';';
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
    if (hasTokenRun(s)) {
      return "{token}";
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

  /**
   * Whether the segment contains a token embedded in other text ({@code reset-<hex>}, {@code
   * <hex>.json}, {@code key=<base64>}): a run of at least {@value #HEX_RUN} hex digits, or a run of
   * at least {@value #ALNUM_RUN} ASCII letters and digits that has both.
   */
  private static boolean hasTokenRun(String s) {
    int hex = 0;
    int alnum = 0;
    boolean digit = false;
    boolean letter = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean d = c >= '0' && c <= '9';
      boolean l = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      boolean h = d || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      hex = h ? hex + 1 : 0;
      if (d || l) {
        alnum++;
        digit |= d;
        letter |= l;
      } else {
        alnum = 0;
        digit = false;
        letter = false;
      }
      if (hex >= HEX_RUN || (alnum >= ALNUM_RUN && digit && letter)) {
        return true;
      }
    }
    return false;
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
      // A decoded '/' would split the segment in the route: it stays encoded.
      return decoded.indexOf('/') >= 0 ? decoded.replace("/", "%2F") : decoded;
    } catch (CharacterCodingException e) {
      return raw;
    }
  }
}
