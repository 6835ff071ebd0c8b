package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageLocationsTest {
  @TempDir Path dir;

  @Test
  void aPackageIsFoundWhereItsClassesCameFrom() throws IOException {
    URL a = dir.resolve("a/").toUri().toURL();
    URL b = dir.resolve("b/").toUri().toURL();
    ClassLoader loader = new URLClassLoader(new URL[0]);
    PackageLocations.remember(loader, "example.one.First", a);
    PackageLocations.remember(loader, "example.two.Second", b);
    PackageLocations.remember(loader, "example.one.Third", a);
    assertThat(PackageLocations.find(loader, "example.one.Other")).isSameAs(a);
    assertThat(PackageLocations.find(loader, "example.two.Other")).isSameAs(b);
    assertThat(PackageLocations.find(loader, "example.Other")).as("a package of its own").isNull();
    assertThat(PackageLocations.find(loader, "Default")).as("the unnamed package is not kept").isNull();
    assertThat(PackageLocations.find(new URLClassLoader(new URL[0]), "example.one.Other"))
        .as("per loader")
        .isNull();
    assertThat(PackageLocations.size(loader)).isEqualTo(2);
    assertThat(PackageLocations.bytes()).as("counted in agent.retainedBytes").isGreaterThanOrEqualTo(256 * 10 + 2 * 48);
  }

  /**
   * A split package goes where its latest class came from, also after runs of one package from one
   * place (remembered once) and with two loaders in turn (each its own table).
   */
  @Test
  void theLatestLocationOfAPackageWinsPerLoader() throws IOException {
    URL a = dir.resolve("a/").toUri().toURL();
    URL b = dir.resolve("b/").toUri().toURL();
    ClassLoader one = new URLClassLoader(new URL[0]);
    ClassLoader two = new URLClassLoader(new URL[0]);
    PackageLocations.remember(one, "example.split.A1", a);
    PackageLocations.remember(one, "example.split.A2", a);
    PackageLocations.remember(two, "example.split.B1", b);
    assertThat(PackageLocations.find(one, "example.split.X")).isSameAs(a);
    assertThat(PackageLocations.find(two, "example.split.X")).isSameAs(b);
    PackageLocations.remember(one, "example.split.B2", b);
    assertThat(PackageLocations.find(one, "example.split.X")).isSameAs(b);
    PackageLocations.remember(one, "example.split.A3", a);
    PackageLocations.remember(one, "example.split.A4", a);
    assertThat(PackageLocations.find(one, "example.split.X")).isSameAs(a);
    assertThat(PackageLocations.find(two, "example.split.X")).isSameAs(b);
  }

  @Test
  void thePackagesPerLoaderAreBounded() throws IOException {
    URL a = dir.toUri().toURL();
    ClassLoader loader = new URLClassLoader(new URL[0]);
    for (int i = 0; i < PackageLocations.MAX_PACKAGES * 3; i++) {
      PackageLocations.remember(loader, "example.p" + i + ".C", a);
    }
    assertThat(PackageLocations.size(loader)).isBetween(PackageLocations.MAX_PACKAGES, PackageLocations.MAX_PACKAGES * 2);
    assertThat(PackageLocations.find(loader, "example.p0.D")).isSameAs(a);
  }

  @Test
  void neitherTheLoaderNorItsLocationsAreKept() throws Exception {
    ClassLoader loader = new URLClassLoader(new URL[0]);
    PackageLocations.remember(loader, "example.gone.C", dir.toUri().toURL());
    WeakReference<ClassLoader> ref = new WeakReference<>(loader);
    loader = null;
    assertThat(Collected.await(ref, 50)).isTrue();
  }

  private static void classFile(Path root, String binaryName, int size) throws IOException {
    Path f = root.resolve(binaryName.replace('.', '/') + ".class");
    Files.createDirectories(f.getParent());
    byte[] bytes = new byte[size];
    bytes[0] = (byte) 0xCA;
    Files.write(f, bytes);
  }

  /**
   * The reader looks for a super type in the jar its package came from before the subclass's own
   * jar: the copy there is the one read, even where the subclass's jar has one too.
   */
  @Test
  void theReaderLooksWhereThePackageIsFirst() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("sub"));
    Path base = Files.createDirectories(dir.resolve("base"));
    classFile(base, "example.base.Base", 5);
    classFile(sub, "example.base.Base", 9); // a split package: tells the copies apart
    classFile(base, "example.base.Split", 5);
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {sub.toUri().toURL(), base.toUri().toURL()}, new ClassFileReaderTest.CountingParent())) {
      URL baseUrl = base.toUri().toURL();
      ProtectionDomain fromSub = new ProtectionDomain(new CodeSource(sub.toUri().toURL(), (java.security.cert.Certificate[]) null), null);
      ProtectionDomain fromBase = new ProtectionDomain(new CodeSource(baseUrl, (java.security.cert.Certificate[]) null), null);
      try (InputStream in = ClassFileReader.open(loader, "example.base.Base", fromSub)) {
        assertThat(in.readAllBytes()).as("nothing known of the package: the subclass's jar").hasSize(9);
      }
      ClassFileReader.remember(loader, "example.base.Other", fromBase);
      try (InputStream in = ClassFileReader.open(loader, "example.base.Base", fromSub)) {
        assertThat(in.readAllBytes()).as("the package's jar first").hasSize(5);
      }
      try (InputStream in = ClassFileReader.open(loader, "example.base.Missing", fromSub)) {
        assertThat(in).as("in neither: the loader's path, then the parents").isNull();
      }
    }
  }

  /**
   * A jar location whose connection hands out a shared jar file is read through that jar file:
   * an entry it holds is opened, one it does not is null (a look-up, no exception), and a jar file
   * closed by its owner is passed by for the URL.
   */
  @Test
  void aJarLocationIsReadThroughItsSharedJarFile() throws IOException {
    Path jarPath = dir.resolve("lib.jar");
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jarPath))) {
      out.putNextEntry(new java.util.jar.JarEntry("example/lib/Base.class"));
      out.write(new byte[] {1, 2, 3});
      out.closeEntry();
    }
    URL location = new URL("jar:" + jarPath.toUri() + "!/");
    ClassLoader loader = new URLClassLoader(new URL[0]);
    PackageLocations.remember(loader, "example.lib.Sub", location);
    try (InputStream in = PackageLocations.open(loader, location, "example/lib/Base.class")) {
      assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
    }
    assertThat(PackageLocations.open(loader, location, "example/lib/Missing.class")).isNull();

    java.net.JarURLConnection c = (java.net.JarURLConnection) location.openConnection();
    c.getJarFile().close(); // its owner closes it
    try (InputStream in = PackageLocations.open(loader, location, "example/lib/Base.class")) {
      assertThat(in.readAllBytes()).as("through the URL again").containsExactly(1, 2, 3);
    }
  }
}
