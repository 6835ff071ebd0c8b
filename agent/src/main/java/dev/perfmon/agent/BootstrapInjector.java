package dev.perfmon.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
      Path jar = Files.createTempFile("perfmon-bootstrap-", ".jar");
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
      jar.toFile().deleteOnExit();
      inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
      return true;
    }
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
