package dev.perfmon.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.jar.JarFile;

/**
 * Puts the {@code bootstrap} module's classes on the bootstrap class path, so that advice woven
 * into classes of any class loader (system, Tomcat's web-app loaders, Spring Boot's fat-jar
 * loader) can call them, and so that there is exactly one copy of them in the JVM.
 *
 * <p>The shaded agent jar carries the bootstrap classes as a nested jar
 * ({@code META-INF/perfmon/perfmon-bootstrap.jar.bin}) and not as class files: the system class
 * loader therefore never defines them itself and always delegates to the bootstrap loader.
 * Nothing else of the agent goes there.
 */
final class BootstrapInjector {
  static final String RESOURCE = "/META-INF/perfmon/perfmon-bootstrap.jar.bin";
  private static final String PROBE = "dev.perfmon.bootstrap.PerfMon";

  private BootstrapInjector() {}

  /**
   * Appends the bootstrap jar unless the bootstrap loader already has it (second attach), or the
   * agent runs unshaded from a class path that has the classes (in-process tests).
   *
   * @return true when the jar was appended by this call
   */
  static boolean inject(Instrumentation inst) throws IOException {
    if (alreadyOnBootstrapPath()) {
      return false;
    }
    try (InputStream in = BootstrapInjector.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return false; // unshaded: the bootstrap classes are on the class path
      }
      Path jar = newFile();
      try {
        try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE)) {
          in.transferTo(out);
        }
        try (JarFile file = new JarFile(jar.toFile())) {
          inst.appendToBootstrapClassLoaderSearch(file);
        }
      } finally {
        // The JVM opens the jar when it is appended and keeps it open, so on POSIX systems its
        // name can go at once: a JVM that is killed, or halted, leaves nothing in the temporary
        // directory. Where an open file cannot be deleted, it goes when the JVM exits.
        try {
          Files.delete(jar);
        } catch (IOException inUse) {
          jar.toFile().deleteOnExit();
        }
      }
      return true;
    }
  }

  /**
   * A new, empty file in the temporary directory that no one else can have prepared: created with
   * {@code CREATE_NEW} (O_EXCL, which also refuses a symbolic link planted at that name). The name
   * comes from the clock rather than from {@link Files#createTempFile}, whose first use seeds a
   * {@code SecureRandom}: about 10 ms of every start-up.
   */
  @SuppressForbidden // createTempFile only after ten names were taken, which does not happen
  static Path newFile() throws IOException {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    for (int attempt = 0; attempt < 10; attempt++) {
      Path candidate = dir.resolve("perfmon-bootstrap-" + Long.toHexString(System.nanoTime()) + ".jar");
      try {
        Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return candidate;
      } catch (FileAlreadyExistsException taken) {
        // someone else's file (or a link) by that name: try another name
      }
    }
    return Files.createTempFile("perfmon-bootstrap-", ".jar");
  }

  private static boolean alreadyOnBootstrapPath() {
    try {
      Class.forName(PROBE, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
