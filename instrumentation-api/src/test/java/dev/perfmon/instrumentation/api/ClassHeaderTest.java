package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/** The class-file header agrees with Byte Buddy's description of the same class. */
class ClassHeaderTest {
  @Retention(RetentionPolicy.RUNTIME)
  @interface Marked {}

  @Marked
  static class Sample extends ArrayList<String> implements Runnable, Serializable {
    private static final long serialVersionUID = 1L;
    double d = 1.5; // long and double constants take two constant pool slots
    long l = 123_456_789_012L;
    String s = "caf\u00e9 \u20ac"; // non-ASCII UTF-8 constants

    @Override
    public void run() {}
  }

  interface Iface extends Runnable {}

  /** A name that is not ASCII (decoded the long way). */
  static class Caf\u00e9Cr\u00e8me extends Sample implements Iface {
    private static final long serialVersionUID = 1L;
  }

  static byte[] bytesOf(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  private static void assertAgrees(ClassHeader h, Class<?> c) {
    TypeDescription t = TypeDescription.ForLoadedType.of(c);
    assertThat(h.className()).isEqualTo(c.getName());
    assertThat(h.isInterface()).isEqualTo(c.isInterface());
    assertThat(h.isAnnotation()).isEqualTo(c.isAnnotation());
    assertThat(h.isSynthetic()).isEqualTo(c.isSynthetic());
    // The class file names Object as an interface's super class; Class.getSuperclass() says null.
    String expectedSuper =
        c == Object.class ? null : c.isInterface() ? "java.lang.Object" : c.getSuperclass().getName();
    assertThat(h.superName()).isEqualTo(expectedSuper);
    List<String> interfaces = new ArrayList<>();
    for (int i = 0; i < h.interfaceCount(); i++) {
      interfaces.add(h.interfaceName(i));
    }
    assertThat(interfaces).containsExactlyElementsOf(t.getInterfaces().asErasures().stream().map(TypeDescription::getName).toList());
  }

  @Test
  void readsFlagsNamesAndInterfaces() throws IOException {
    for (Class<?> c : List.of(Sample.class, Iface.class, Marked.class, String.class, Object.class, ClassHeaderTest.class)) {
      assertAgrees(ClassHeader.of(bytesOf(c)), c);
    }
  }

  /** The name compared on the bytes: the same answer as comparing the decoded name. */
  @Test
  void isNamedComparesTheBinaryName() throws IOException {
    ClassHeader string = ClassHeader.of(bytesOf(String.class));
    assertThat(string.isNamed("java.lang.String")).isTrue();
    assertThat(string.isNamed("java/lang/String")).as("binary, not internal").isFalse();
    assertThat(string.isNamed("java.lang.Strin")).isFalse();
    assertThat(string.isNamed("java.lang.StringX")).isFalse();
    assertThat(string.isNamed("java.lang.Object")).isFalse();
    ClassHeader nested = ClassHeader.of(bytesOf(Sample.class));
    assertThat(nested.isNamed(Sample.class.getName())).isTrue();
    ClassHeader nonAscii = ClassHeader.of(bytesOf(Caf\u00e9Cr\u00e8me.class));
    assertThat(nonAscii.isNamed(Caf\u00e9Cr\u00e8me.class.getName())).isTrue();
    assertThat(nonAscii.isNamed(Caf\u00e9Cr\u00e8me.class.getName().replace('\u00e8', 'e'))).isFalse();
    assertThat(nonAscii.isNamed(Sample.class.getName())).isFalse();
  }

  /**
   * The package key read off the class file's bytes is the one {@link PackageLocations} computes
   * from the decoded name, also for a name not in ASCII; a class in no package has none.
   */
  @Test
  void packageKeyIsTheKeyOfTheDecodedName() throws IOException {
    for (Class<?> c : List.of(Sample.class, Iface.class, String.class, Object.class, ClassHeaderTest.class, java.util.Map.Entry.class)) {
      ClassHeader h = ClassHeader.of(bytesOf(c));
      assertThat(h.packageKey()).as(c.getName()).isEqualTo(PackageLocations.keyOf(c.getName())).isNotIn(0L, -1L);
    }
    assertThat(ClassHeader.of(bytesOf(Caf\u00e9Cr\u00e8me.class)).packageKey())
        .as("a name not in ASCII, decoded")
        .isEqualTo(PackageLocations.keyOf(Caf\u00e9Cr\u00e8me.class.getName()))
        .isNotZero();
    byte[] unnamed =
        new net.bytebuddy.ByteBuddy().subclass(Object.class).name("NoPackage").make().getBytes();
    assertThat(ClassHeader.of(unnamed).packageKey()).isZero();
    assertThat(PackageLocations.keyOf("NoPackage")).isZero();
    assertThat(ClassHeader.of(bytesOf(Sample.class)).packageKey())
        .isNotEqualTo(ClassHeader.of(bytesOf(String.class)).packageKey());
  }

  /**
   * A header indexed in a reused array (the transformer's and the walk's per-thread scratch) reads
   * the same as one in an array of its own, also when the array held a longer constant pool with
   * other entries before (long and double constants leave an unused slot).
   */
  @Test
  void aReusedIndexArrayReadsTheSame() throws IOException {
    int[] scratch = new int[4096];
    ClassHeader.of(bytesOf(String.class), scratch); // fills the array with String's pool
    for (Class<?> c : List.of(Sample.class, Iface.class, Marked.class, Object.class, Long.class, Double.class, Caf\u00e9Cr\u00e8me.class)) {
      ClassHeader h = ClassHeader.of(bytesOf(c), scratch);
      assertThat(h.entriesArray()).isSameAs(scratch);
      assertAgrees(h, c);
      assertThat(h.hasUtf8(ClassHeader.utf8(c.getName().replace('.', '/')))).as("its own name").isTrue();
      assertThat(h.hasUtf8(ClassHeader.utf8("no/such/Name"))).isFalse();
      ClassHeader fromStream = ClassHeader.read(new ByteArrayInputStream(bytesOf(c)), new byte[][] {new byte[64]}, scratch);
      assertAgrees(fromStream, c);
    }
    int[] small = new int[2];
    ClassHeader grown = ClassHeader.of(bytesOf(String.class), small);
    assertThat(grown.entriesArray()).as("too small: a new array").isNotSameAs(small);
    assertAgrees(grown, String.class);
  }

  @Test
  void findsUtf8Constants() throws IOException {
    ClassHeader h = ClassHeader.of(bytesOf(Sample.class));
    assertThat(h.hasUtf8(ClassHeader.utf8("L" + Marked.class.getName().replace('.', '/') + ";"))).isTrue();
    assertThat(h.hasUtf8(ClassHeader.utf8("caf\u00e9 \u20ac"))).isTrue();
    assertThat(h.hasUtf8(ClassHeader.utf8("Lcom/example/Absent;"))).isFalse();
    assertThat(ClassHeader.of(bytesOf(Iface.class)).hasUtf8(ClassHeader.utf8("L" + Marked.class.getName().replace('.', '/') + ";"))).isFalse();
  }

  @Test
  void readsOnlyTheHeadFromAStream() throws IOException {
    // String's class file is larger than the first read: the buffer grows until the header is in.
    byte[] bytes = bytesOf(String.class);
    assertThat(bytes.length).isGreaterThan(8192);
    int[] consumed = {0};
    InputStream counting =
        new ByteArrayInputStream(bytes) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            consumed[0] += Math.max(n, 0);
            return n;
          }
        };
    ClassHeader h = ClassHeader.read(counting);
    assertAgrees(h, String.class);
    assertThat(consumed[0]).isLessThan(bytes.length);
    assertAgrees(ClassHeader.read(new ByteArrayInputStream(bytesOf(Sample.class))), Sample.class);
  }

  @Test
  void rejectsWhatIsNotAClassFile() throws IOException {
    assertThat(ClassHeader.read(new ByteArrayInputStream(new byte[] {1, 2, 3}))).isNull();
    assertThat(ClassHeader.read(new ByteArrayInputStream("not a class file at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))).isNull();
    byte[] cut = java.util.Arrays.copyOf(bytesOf(Sample.class), 40);
    assertThat(ClassHeader.read(new ByteArrayInputStream(cut))).isNull();
    assertThatThrownBy(() -> ClassHeader.of(cut)).isInstanceOf(IllegalArgumentException.class);
  }

  /** Declares close(); calls execute() and names a field "service" (constants, not declarations). */
  abstract static class Declaring implements AutoCloseable {
    static final int CONSTANT = 42; // a field attribute (ConstantValue) to skip
    Runnable service;

    @Deprecated // an attribute on the method besides its code
    @Override
    public void close() {
      service.run();
    }

    abstract void execute();

    void caller(Declaring other) {
      other.execute();
    }
  }

  static class Calling {
    void use(Declaring d) throws Exception {
      d.close();
    }
  }

  private static byte[][] names(String... names) {
    byte[][] out = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      out[i] = ClassHeader.utf8(names[i]);
    }
    return out;
  }

  /**
   * The method names are indexed once per header, after the constant pool's index when the
   * (reused) array has room, else in their own array; a header indexed later in the same array
   * answers for its own class.
   */
  @Test
  void methodNamesIndexedInAReusedArrayAnswerForTheirOwnClass() throws IOException {
    byte[] declaring = bytesOf(Declaring.class);
    byte[] calling = bytesOf(Calling.class);
    int[] roomy = new int[4096];
    int[] tight = new int[ClassHeader.of(declaring).entriesArray().length]; // no room after the pool
    for (int[] scratch : new int[][] {roomy, tight}) {
      ClassHeader d = ClassHeader.of(declaring, scratch);
      assertThat(d.declaresMethodNamed(names("execute"))).isTrue();
      assertThat(d.declaresMethodNamed(names("use"))).isFalse();
      ClassHeader c = ClassHeader.of(calling, scratch);
      assertThat(c.declaresMethodNamed(names("use"))).isTrue();
      assertThat(c.declaresMethodNamed(names("execute", "close"))).isFalse();
    }
  }

  @Test
  void declaredMethodsAreFoundInTheMethodTableNotAmongTheConstants() throws IOException {
    ClassHeader declaring = ClassHeader.of(bytesOf(Declaring.class));
    assertThat(declaring.declaresMethodNamed(names("close"))).isTrue();
    assertThat(declaring.declaresMethodNamed(names("execute"))).isTrue(); // abstract, still declared
    assertThat(declaring.declaresMethodNamed(names("commit", "caller"))).isTrue();
    assertThat(declaring.declaresMethodNamed(names("service", "run", "CONSTANT"))).isFalse(); // a field, a call
    assertThat(declaring.declaresMethodNamed(names())).isFalse();

    ClassHeader calling = ClassHeader.of(bytesOf(Calling.class));
    assertThat(calling.declaresMethodNamed(names("close"))).isFalse(); // only called: in the pool
    assertThat(calling.hasUtf8(ClassHeader.utf8("close"))).isTrue();
    assertThat(calling.declaresMethodNamed(names("use"))).isTrue();

    assertThat(ClassHeader.of(bytesOf(Caf\u00e9Cr\u00e8me.class)).declaresMethodNamed(names("run"))).isFalse();
    assertThat(ClassHeader.of(bytesOf(Sample.class)).declaresMethodNamed(names("run"))).isTrue();
  }

  @Test
  void aClassFileCutShortInItsMethodsIsReportedNotMisread() throws IOException {
    byte[] whole = bytesOf(Declaring.class);
    ClassHeader header = ClassHeader.of(whole);
    assertThat(header.declaresMethodNamed(names("caller"))).isTrue();
    // Cut inside the method table: the header itself still reads, the method table does not.
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 40);
    assertThatThrownBy(() -> ClassHeader.of(cut).declaresMethodNamed(names("nothing")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
