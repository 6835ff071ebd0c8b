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
}
