package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassFileReaderTest {
  @TempDir Path dir;

  /** A parent that counts how often it is asked for a resource, and has none. */
  static final class CountingParent extends ClassLoader {
    final AtomicInteger asked = new AtomicInteger();

    CountingParent() {
      super(null);
    }

    @Override
    public URL getResource(String name) {
      asked.incrementAndGet();
      return super.getResource(name);
    }
  }

  private Path classFile(Path root, String binaryName) throws IOException {
    Path f = root.resolve(binaryName.replace('.', '/') + ".class");
    Files.createDirectories(f.getParent());
    Files.write(f, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 1, 2, 3});
    return f;
  }

  private static byte[] read(ClassLoader loader, String name) throws IOException {
    try (InputStream in = ClassFileReader.open(loader, name, null)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  @Test
  void aDirectoryLoaderIsReadBeforeItsParentsAndFallsBackToThem() throws IOException {
    classFile(dir, "example.own.Base");
    CountingParent parent = new CountingParent();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, parent)) {
      assertThat(ClassFileReader.ownFirst(loader)).isTrue();
      assertThat(read(loader, "example.own.Base")).hasSize(7);
      assertThat(parent.asked).as("found in the loader itself: parents not searched").hasValue(0);

      assertThat(read(loader, "example.own.Missing")).isNull();
      assertThat(parent.asked).as("not in the loader: the parents are asked, as the JVM would").hasValue(1);
    }
  }

  @Test
  void theSubclasssCodeSourceIsLookedInFirst() throws IOException {
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    classFile(first, "example.hint.Base");
    Path other = classFile(second, "example.hint.Base");
    Files.write(other, new byte[] {(byte) 0xCA, (byte) 0xFE}); // tells the copies apart
    CountingParent parent = new CountingParent();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {first.toUri().toURL(), second.toUri().toURL()}, parent)) {
      java.security.ProtectionDomain fromSecond =
          new java.security.ProtectionDomain(
              new java.security.CodeSource(second.toUri().toURL(), (java.security.cert.Certificate[]) null), null);
      try (InputStream in = ClassFileReader.open(loader, "example.hint.Base", fromSecond)) {
        assertThat(in.readAllBytes()).as("read from the subclass's location").hasSize(2);
      }
      assertThat(read(loader, "example.hint.Base")).as("without a domain: the loader's order").hasSize(7);

      classFile(first, "example.hint.OnlyInFirst");
      try (InputStream in = ClassFileReader.open(loader, "example.hint.OnlyInFirst", fromSecond)) {
        assertThat(in.readAllBytes()).as("not at the subclass's location: the loader's path").hasSize(7);
      }
      assertThat(parent.asked).hasValue(0);
    }
  }

  @Test
  void theTransformersCallRemembersWhereAPackageIs() throws IOException {
    Path first = Files.createDirectories(dir.resolve("first"));
    Path second = Files.createDirectories(dir.resolve("second"));
    classFile(first, "example.kept.Base");
    Files.write(classFile(second, "example.kept.Base"), new byte[] {(byte) 0xCA, (byte) 0xFE});
    net.bytebuddy.jar.asm.ClassWriter w = new net.bytebuddy.jar.asm.ClassWriter(0);
    w.visit(net.bytebuddy.jar.asm.Opcodes.V17, net.bytebuddy.jar.asm.Opcodes.ACC_PUBLIC, "example/kept/Sub", null, "example/kept/Base", null);
    w.visitEnd();
    ClassHeader sub = ClassHeader.of(w.toByteArray(), new int[64]);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {first.toUri().toURL(), second.toUri().toURL()}, new CountingParent())) {
      assertThat(read(loader, "example.kept.Base")).as("nothing remembered: the loader's order").hasSize(7);
      java.security.ProtectionDomain fromSecond =
          new java.security.ProtectionDomain(
              new java.security.CodeSource(second.toUri().toURL(), (java.security.cert.Certificate[]) null), null);
      Object scope = SuperTypeMask.enter(loader, fromSecond);
      try {
        SuperTypeMask.rememberLocation(loader, sub); // through its method handle (OutOfLine)
      } finally {
        SuperTypeMask.exit(scope);
      }
      assertThat(read(loader, "example.kept.Base")).as("read where its package was defined from").hasSize(2);
    }
  }

  @Test
  void theJdksPackagesAlwaysGoThroughTheParents() throws IOException {
    classFile(dir, "java.util.concurrent.Fake");
    CountingParent parent = new CountingParent();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, parent)) {
      assertThat(read(loader, "java.util.concurrent.Fake")).hasSize(7); // the parent has none
      assertThat(parent.asked).as("asked first, as the JVM would").hasValue(1);
      assertThat(ClassFileReader.JdkPackages.contains("java.util.concurrent.Fake")).isTrue();
      assertThat(ClassFileReader.JdkPackages.contains("org.w3c.dom.Node")).isTrue();
      assertThat(ClassFileReader.JdkPackages.contains("example.own.Base")).isFalse();
    }
  }

  @Test
  void jarFilesOpenedByTheJdksJarHandlerKeepTheLoadersOwnLookup() throws IOException {
    Path jar = dir.resolve("lib.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("example/jar/Base.class"));
      out.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
      out.closeEntry();
    }
    CountingParent parent = new CountingParent();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent)) {
      assertThat(ClassFileReader.ownFirst(loader)).isFalse();
      assertThat(read(loader, "example.jar.Base")).hasSize(4);
      assertThat(parent.asked).as("getResourceAsStream as before: parents first").hasValue(1);
    }
  }

  @Test
  void loadersWithTheirOwnLookupOrderAreLeftToIt() throws IOException {
    classFile(dir, "example.child.Base");
    try (URLClassLoader childFirst =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, new CountingParent()) {
          @Override
          public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
          }
        }) {
      assertThat(ClassFileReader.ownFirst(childFirst)).isFalse();
      assertThat(read(childFirst, "example.child.Base")).hasSize(7);
    }
  }

  @Test
  void springBootNestedJarUrlsQualify() throws IOException {
    assertThat(
            ClassFileReader.allUrlsUncached(
                new URL[] {
                  new URL(null, "jar:nested:/opt/app.jar/!BOOT-INF/classes/!/", new NoHandler()),
                  dir.toUri().toURL()
                }))
        .isTrue();
    assertThat(ClassFileReader.allUrlsUncached(new URL[] {new URL("jar:file:/opt/app.jar!/")})).isFalse();
    assertThat(ClassFileReader.allUrlsUncached(new URL[] {new URL("file:/opt/lib.jar")})).isFalse();
  }

  /** Parses {@code jar:nested:} URLs without Spring Boot's handler on the class path. */
  private static final class NoHandler extends java.net.URLStreamHandler {
    @Override
    protected java.net.URLConnection openConnection(URL u) {
      throw new UnsupportedOperationException();
    }
  }
}
