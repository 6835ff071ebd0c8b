package dev.perfmon.instrumentation.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The head of a class file: access flags, the class's own, super class and interface names, and
 * which UTF-8 constants the constant pool holds. It is what the agent's transformer decides on
 * before Byte Buddy describes a class ({@link ClassFileTest}): reading it indexes the constant pool
 * and decodes three or four names, where a Byte Buddy description of the same class parses every
 * field, method signature and annotation.
 *
 * <p>Not thread-safe: one instance per transformation (or per super type read).
 */
public final class ClassHeader {
  static final int ACC_INTERFACE = 0x0200;
  static final int ACC_SYNTHETIC = 0x1000;
  static final int ACC_ANNOTATION = 0x2000;

  private final byte[] b;
  private final int length;
  /**
   * Offset of each constant pool entry's tag (0 for the unused second slot of longs/doubles), in
   * the first {@link #count} elements (the array may be a reused, longer one).
   */
  private final int[] entries;

  /** Constant pool count (entries 1 to count - 1). */
  private final int count;

  private final int access;
  private final int thisIndex;
  private final int superIndex;
  private final int interfaces; // offset of the interface count
  private String className;

  private ClassHeader(byte[] b, int length, int[] entriesScratch) {
    this.b = b;
    this.length = length;
    if (u2(0) != 0xCAFE || u2(2) != 0xBABE) {
      throw new IllegalArgumentException("not a class file");
    }
    int count = u2(8);
    this.count = count;
    entries = entriesScratch != null && entriesScratch.length >= count ? entriesScratch : new int[count];
    int p = 10;
    for (int i = 1; i < count; i++) {
      entries[i] = p;
      int tag = u1(p);
      switch (tag) {
        case 1 -> p += 3 + u2(p + 1); // Utf8
        case 3, 4, 9, 10, 11, 12, 17, 18 -> p += 5;
        case 5, 6 -> {
          p += 9;
          if (++i < count) { // takes two slots
            entries[i] = 0;
          }
        }
        case 7, 8, 16, 19, 20 -> p += 3;
        case 15 -> p += 4;
        default -> throw new IllegalArgumentException("constant pool tag " + tag);
      }
    }
    access = u2(p);
    thisIndex = u2(p + 2);
    superIndex = u2(p + 4);
    interfaces = p + 6;
    u2(interfaces + 2 * u2(interfaces)); // the whole interface list is in the buffer
  }

  /**
   * The header of the class file in {@code bytes}.
   *
   * @throws IllegalArgumentException when the bytes are not a class file (or are cut short)
   */
  public static ClassHeader of(byte[] bytes) {
    return new ClassHeader(bytes, bytes.length, null);
  }

  /**
   * As {@link #of(byte[])}, indexing the constant pool in {@code entriesScratch} when it is long
   * enough (else in a new array): the header is valid until that array is used again. {@link
   * #entriesArray()} gives back the array used, for the next header.
   */
  static ClassHeader of(byte[] bytes, int[] entriesScratch) {
    return new ClassHeader(bytes, bytes.length, entriesScratch);
  }

  /** Constant-pool index arrays longer than this are not kept for reuse. */
  static final int MAX_ENTRIES_SCRATCH = 8192;

  /** The array this header indexes its constant pool in (to reuse for another header). */
  int[] entriesArray() {
    return entries;
  }

  /**
   * The header of the class file read from {@code in}, reading only as much of it as the header
   * needs (mostly the constant pool, not the fields' and methods' code); null when the stream is not
   * a class file. Does not close {@code in}.
   */
  static ClassHeader read(InputStream in) throws IOException {
    return read(in, new byte[][] {new byte[4096]}, null);
  }

  /** Buffers larger than this are not kept in a scratch holder. */
  private static final int MAX_SCRATCH = 64 * 1024;

  /**
   * As {@link #read(InputStream)}, reading into {@code scratch[0]} (replaced by a larger buffer
   * when the header needs one) and indexing the constant pool in {@code entriesScratch} (as {@link
   * #of(byte[], int[])}; may be null): the header is valid until either is used again.
   */
  static ClassHeader read(InputStream in, byte[][] scratch, int[] entriesScratch) throws IOException {
    byte[] buf = scratch[0];
    int len = 0;
    while (true) {
      int n = in.readNBytes(buf, len, buf.length - len);
      len += n;
      boolean complete = len < buf.length; // end of stream before the buffer filled
      try {
        return new ClassHeader(buf, len, entriesScratch);
      } catch (Truncated t) {
        if (complete) {
          return null;
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
        if (buf.length <= MAX_SCRATCH) {
          scratch[0] = buf;
        }
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** Thrown (without a stack trace) when the header runs past the bytes read so far. */
  private static final class Truncated extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Truncated() {
      super("truncated class file", null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  // One shared instance without a stack trace: thrown for every truncated class file, never seen
  // outside this class (read() catches it), so it costs no allocation per failure.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  private static final Truncated TRUNCATED = new Truncated();

  private int u1(int p) {
    if (p >= length) {
      throw TRUNCATED;
    }
    return b[p] & 0xFF;
  }

  private int u2(int p) {
    if (p + 1 >= length) {
      throw TRUNCATED;
    }
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  public int access() {
    return access;
  }

  public boolean isInterface() {
    return (access & ACC_INTERFACE) != 0;
  }

  public boolean isAnnotation() {
    return (access & ACC_ANNOTATION) != 0;
  }

  public boolean isSynthetic() {
    return (access & ACC_SYNTHETIC) != 0;
  }

  /** The binary name ({@code a.b.C$D}), as {@code TypeDescription.getName()} gives it. */
  public String className() {
    String n = className;
    if (n == null) {
      n = classNameAt(thisIndex);
      className = n;
    }
    return n;
  }

  /** The offset of the UTF-8 constant of this class's name (its tag), checked to be in the bytes. */
  private int nameUtf8() {
    int p = classUtf8At(thisIndex);
    if (p + 3 + u2(p + 1) > length) {
      throw TRUNCATED;
    }
    return p;
  }

  /** The offset (of the tag) of the UTF-8 constant at {@code index}. */
  private int utf8At(int index) {
    int e = index > 0 && index < count ? entries[index] : 0;
    if (e == 0 || b[e] != 1) {
      throw new IllegalArgumentException("not a UTF-8 constant: " + index);
    }
    return e;
  }

  /** The offset (of the tag) of the UTF-8 constant that names the CONSTANT_Class at {@code index}. */
  private int classUtf8At(int index) {
    int e = index > 0 && index < count ? entries[index] : 0;
    if (e == 0 || b[e] != 7) {
      throw new IllegalArgumentException("not a class constant: " + index);
    }
    return utf8At(u2(e + 1));
  }

  /**
   * Whether this class's binary name is {@code binaryName} ({@code a.b.C$D}), compared on the
   * class file's bytes: nothing decoded or allocated, and most names differ in length already.
   */
  public boolean isNamed(String binaryName) {
    int p = nameUtf8();
    int len = u2(p + 1);
    int start = p + 3;
    if (len != binaryName.length()) {
      // An ASCII name is as long in bytes as in characters: only a name that is not can still match.
      for (int i = 0; i < binaryName.length(); i++) {
        if (binaryName.charAt(i) >= 0x80) {
          return className().equals(binaryName);
        }
      }
      return false;
    }
    for (int i = 0; i < len; i++) {
      byte c = b[start + i];
      if (c <= 0) {
        return className().equals(binaryName); // not ASCII: decode
      }
      if ((c == '/' ? '.' : (char) c) != binaryName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The hash of this class's package that {@link PackageLocations} keys on ({@link
   * PackageLocations#keyOf} of {@link #className()}), computed on the class file's bytes without
   * decoding the name (but for a name not in ASCII); 0 when the class is in no package.
   */
  public long packageKey() {
    int p = nameUtf8();
    int start = p + 3;
    int end = start + u2(p + 1);
    int slash = -1;
    for (int i = start; i < end; i++) {
      byte c = b[i];
      if (c <= 0) {
        return PackageLocations.keyOf(className()); // not ASCII (or an encoded NUL): decode
      }
      if (c == '/') {
        slash = i;
      }
    }
    if (slash <= start) {
      return 0;
    }
    long h = SuperTypeMask.Table.KEY_START; // over the binary name's characters, '/' read as '.'
    for (int i = start; i < slash; i++) {
      h = SuperTypeMask.Table.keyStep(h, b[i] == '/' ? '.' : (char) b[i]);
    }
    return SuperTypeMask.Table.keyEnd(h);
  }

  /** The super class's binary name, or null ({@code java.lang.Object}, {@code module-info}). */
  public String superName() {
    return superIndex == 0 ? null : classNameAt(superIndex);
  }

  public int interfaceCount() {
    return u2(interfaces);
  }

  /** The binary name of the {@code i}th directly implemented interface. */
  public String interfaceName(int i) {
    return classNameAt(u2(interfaces + 2 + 2 * i));
  }

  /** The binary names of the directly implemented interfaces, then of the super class if any. */
  public String[] superTypeNames() {
    int n = interfaceCount();
    String[] names = new String[n + (superIndex == 0 ? 0 : 1)];
    for (int i = 0; i < n; i++) {
      names[i] = interfaceName(i);
    }
    if (superIndex != 0) {
      names[n] = superName();
    }
    return names;
  }

  /**
   * True when the class declares a method whose name is one of {@code names} (each as {@link
   * #utf8} encodes it). Skims the field and method tables that follow the header (names and
   * attribute lengths only), so the whole class file must be in the buffer: a header {@link #of} a
   * class file, not one {@link #read} in part.
   *
   * @throws IllegalArgumentException when the class file ends before its method table does, or a
   *     method's name is not a UTF-8 constant
   */
  public boolean declaresMethodNamed(byte[][] names) {
    if (methodNames == null) {
      indexMethodNames();
    }
    for (int i = methodNamesFrom, end = methodNamesFrom + methodCount; i < end; i++) {
      if (isUtf8(methodNames[i], names)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The constant-pool indexes of the declared methods' names, read once per header: every type
   * instrumentation with advised method names asks {@link #declaresMethodNamed} of each class, and
   * walking the fields and the methods' attributes is most of the cost. Kept after the constant
   * pool's index in the same array when it has room (the transformer's reused one has), else in an
   * array of their own.
   */
  private int[] methodNames;

  private int methodNamesFrom;
  private int methodCount;

  private void indexMethodNames() {
    int p = interfaces + 2 + 2 * u2(interfaces);
    int fields = u2(p);
    p += 2;
    for (int i = 0; i < fields; i++) {
      p = afterMember(p);
    }
    int methods = u2(p);
    p += 2;
    boolean room = entries.length - count >= methods;
    int[] into = room ? entries : new int[methods];
    int from = room ? count : 0;
    for (int i = 0; i < methods; i++) {
      into[from + i] = u2(p + 2);
      p = afterMember(p);
    }
    methodNamesFrom = from;
    methodCount = methods;
    methodNames = into;
  }

  /** The offset after the field or method at {@code p} (access, name, descriptor, attributes). */
  private int afterMember(int p) {
    int attributes = u2(p + 6);
    p += 8;
    for (int i = 0; i < attributes; i++) {
      long next = p + 6L + u4(p + 2);
      if (next > length) {
        throw TRUNCATED;
      }
      p = (int) next;
    }
    return p;
  }

  private long u4(int p) {
    return ((long) u2(p) << 16) | u2(p + 2);
  }

  /** True when constant {@code index} is the UTF-8 constant of one of {@code names}. */
  private boolean isUtf8(int index, byte[][] names) {
    int e = utf8At(index);
    int len = u2(e + 1);
    for (byte[] name : names) {
      if (name.length == len && Arrays.equals(b, e + 3, e + 3 + len, name, 0, len)) {
        return true;
      }
    }
    return false;
  }

  /** True when the constant pool holds the UTF-8 constant {@code utf8} (see {@link #utf8}). */
  public boolean hasUtf8(byte[] utf8) {
    for (int i = 1; i < count; i++) {
      int p = entries[i];
      if (p != 0 && b[p] == 1 && u2(p + 1) == utf8.length
          && Arrays.equals(b, p + 3, p + 3 + utf8.length, utf8, 0, utf8.length)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code s} as the class file encodes it (modified UTF-8), for {@link #hasUtf8}: e.g. an
   * annotation type's descriptor {@code Lcom/example/Timed;}.
   */
  public static byte[] utf8(String s) {
    byte[] out = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != 0 && c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | (c >> 6));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      } else {
        out[n++] = (byte) (0xE0 | (c >> 12));
        out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The binary name (dots, not slashes) of the CONSTANT_Class at {@code index}. */
  private String classNameAt(int index) {
    return binaryNameAt(classUtf8At(index));
  }

  /**
   * Per thread, the bytes of the name being decoded (names are almost always ASCII: one copy
   * into the string, where decoding through a {@code char[]} allocates three times its length).
   */
  private static final ThreadLocal<byte[]> NAME =
      new ThreadLocal<>() { // not a lambda: see package-info
        @Override
        protected byte[] initialValue() {
          return new byte[256];
        }
      };

  /** The ASCII name at {@code [start, start + len)} with '/' read as '.', or null when not ASCII. */
  private String asciiName(int start, int len) {
    if (start + len > length) {
      throw TRUNCATED;
    }
    byte[] name = NAME.get();
    if (name.length < len) {
      name = new byte[len];
      if (len <= 4096) {
        NAME.set(name);
      }
    }
    for (int i = 0; i < len; i++) {
      byte c = b[start + i];
      if (c <= 0) {
        return null; // not ASCII (or an encoded NUL)
      }
      name[i] = c == '/' ? (byte) '.' : c;
    }
    return new String(name, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** The UTF-8 constant at offset {@code p}, with '/' read as '.'. */
  private String binaryNameAt(int p) {
    int len = u2(p + 1);
    int start = p + 3;
    String ascii = asciiName(start, len);
    if (ascii != null) {
      return ascii;
    }
    char[] chars = new char[len];
    int n = 0;
    int i = start;
    int end = start + len;
    while (i < end) {
      int c = b[i++] & 0xFF;
      if (c < 0x80) {
        chars[n++] = c == '/' ? '.' : (char) c;
      } else if ((c & 0xE0) == 0xC0) {
        chars[n++] = (char) (((c & 0x1F) << 6) | (b[i++] & 0x3F));
      } else {
        chars[n++] = (char) (((c & 0x0F) << 12) | ((b[i++] & 0x3F) << 6) | (b[i++] & 0x3F));
      }
    }
    return new String(chars, 0, n);
  }
}
