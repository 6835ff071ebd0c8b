package dev.perfmon.agent;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * Makes the {@code bootstrap} module's classes classes of the boot loader, so that advice woven
 * into classes of any class loader (system, Tomcat's web-app loaders, Spring Boot's fat-jar
 * loader) can call them, and so that there is exactly one copy of them in the JVM.
 *
 * <p>The agent jar carries them as a nested jar ({@value #RESOURCE}) read by the agent's own class
 * loader, never as class files the application's loader could define. They are defined in the boot
 * loader directly, each after its supertypes, through the JDK's internal {@code Unsafe}, whose
 * package is exported to the agent's class loader only (an {@link Instrumentation#redefineModule}
 * edge the application does not get). The boot class path is left alone: appending to it makes
 * the JVM print "Sharing is only supported for boot loader classes because bootstrap classpath
 * has been appended" on the application's output and switches class-data sharing off for every
 * class of the application (an AppCDS or Spring Boot CDS archive would no longer be used).
 *
 * <p>Should that way be closed (a future JDK without it), the nested jar is appended to the boot
 * class path as before: the agent works, and {@link #how()} says which way was taken.
 *
 * <p>This class must not refer to the bootstrap classes: it runs before they exist.
 */
final class BootstrapInjector {
  static final String RESOURCE = "/META-INF/perfmon/perfmon-bootstrap.jar.bin";
  private static final String PROBE = "dev.perfmon.bootstrap.PerfMon";

  /** How the bootstrap classes got into the boot loader in this JVM, for the diagnostics. */
  private static volatile String how = "not injected (on the class path)";

  private BootstrapInjector() {}

  /** How the bootstrap classes were made available: "defined in the boot loader", or why not. */
  static String how() {
    return how;
  }

  /**
   * Defines the bootstrap classes unless the boot loader already has them (second attach), or the
   * agent runs unshaded from a class path that has the classes (in-process tests).
   *
   * @return true when this call made them available
   */
  static boolean inject(Instrumentation inst) throws IOException {
    if (alreadyInBootLoader()) {
      how = "already in the boot loader (an earlier start in this JVM)";
      return false;
    }
    byte[] nested;
    try (InputStream in = BootstrapInjector.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return false; // unshaded: the bootstrap classes are on the class path
      }
      nested = in.readAllBytes();
    }
    Map<String, byte[]> classes = classes(nested);
    try {
      defineInBootLoader(inst, classes);
      how = "defined in the boot loader (" + classes.size() + " classes)";
    } catch (Throwable closed) {
      // Classes defined before a failure stay; the boot loader looks at what it holds before its
      // class path, so the jar only supplies the rest, from the same bytes.
      appendToBootClassPath(inst, nested);
      how = "appended to the boot class path (class-data sharing of application classes is off): " + closed;
    }
    return true;
  }

  /** The class files of the nested jar, by binary name, in the jar's order. */
  static Map<String, byte[]> classes(byte[] jar) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
      for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
        String name = e.getName();
        if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
          classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
        }
      }
    }
    return classes;
  }

  private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes) throws Exception {
    Module javaBase = Object.class.getModule();
    Module self = BootstrapInjector.class.getModule();
    if (!javaBase.isExported("jdk.internal.misc", self)) {
      inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(self)), Map.of(), Set.of(), Map.of());
    }
    BiFunction<String, byte[], Class<?>> define = bootLoaderDefiner();
    Set<String> defined = new HashSet<>();
    for (String name : classes.keySet()) {
      defineAfterSupertypes(name, classes, defined, define);
    }
  }

  /**
   * Defines {@code name} once its superclass and interfaces from the same jar are defined: the boot
   * loader resolves a class's supertypes when the class is defined and finds only what it holds.
   */
  private static void defineAfterSupertypes(
      String name, Map<String, byte[]> classes, Set<String> defined, BiFunction<String, byte[], Class<?>> define) {
    if (!defined.add(name)) {
      return;
    }
    byte[] bytes = classes.get(name);
    ClassReader reader = new ClassReader(bytes);
    String superName = reader.getSuperName();
    if (superName != null && classes.containsKey(superName.replace('/', '.'))) {
      defineAfterSupertypes(superName.replace('/', '.'), classes, defined, define);
    }
    for (String i : reader.getInterfaces()) {
      if (classes.containsKey(i.replace('/', '.'))) {
        defineAfterSupertypes(i.replace('/', '.'), classes, defined, define);
      }
    }
    Class<?> unused = define.apply(name, bytes); // defined: the boot loader now holds it
  }

  /** The definer of this class loader, once made (a second start in the same loader reuses it). */
  private static BiFunction<String, byte[], Class<?>> definer;

  /**
   * A function that defines a class in the boot loader: (binary name, class file) to the class.
   * It calls {@code jdk.internal.misc.Unsafe.defineClass} directly, from a class whose bytes are
   * kept here ({@link #definerClassFile}; javac cannot name that type when compiling for Java 17),
   * defined beside this one, in the agent's class loader, whose module {@code jdk.internal.misc} is exported
   * to. Reflection ({@code Method.invoke}) would work too, but costs the application's start-up:
   * on Java 18 and later the first call builds method handles for the method's shape (on Java 25
   * some 25 classes spun through the JDK's class-file library), and on Java 17 the sixteenth call
   * generates an accessor class.
   */
  @SuppressWarnings("unchecked")
  static synchronized BiFunction<String, byte[], Class<?>> bootLoaderDefiner() throws ReflectiveOperationException {
    if (definer == null) {
      Class<?> type = MethodHandles.lookup().defineClass(definerClassFile());
      definer = (BiFunction<String, byte[], Class<?>>) type.getDeclaredConstructor().newInstance();
    }
    return definer;
  }

  /** Binary name of the definer: a nested name of this class, in its package. */
  static final String DEFINER = BootstrapInjector.class.getName() + "$BootLoaderDefiner";

  /**
   * The class file of a {@code BiFunction<String, byte[], Class<?>>} whose {@code apply(name,
   * bytes)} returns {@code Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null,
   * null)}: a null class loader is the boot loader. Kept as its bytes (557, in Base64), as ASM
   * writes them in {@code BootstrapInjectorTest}, which checks that they still match: writing them
   * with ASM here loaded and verified ASM's class writer in {@code premain}, about 10 ms.
   */
  static byte[] definerClassFile() {
    return java.util.Base64.getDecoder().decode(DEFINER_CLASS_FILE);
  }

  private static final String DEFINER_CLASS_FILE =
      "yv66vgAAAD0AHAEANWRldi9wZXJmbW9uL2FnZW50L0Jvb3RzdHJhcEluamVjdG9yJEJvb3RMb2FkZXJEZWZpbmVy"
          + "BwABAQAQamF2YS9sYW5nL09iamVjdAcAAwEAHWphdmEvdXRpbC9mdW5jdGlvbi9CaUZ1bmN0aW9uBwAFAQAGPGlu"
          + "aXQ+AQADKClWDAAHAAgKAAQACQEABWFwcGx5AQA4KExqYXZhL2xhbmcvT2JqZWN0O0xqYXZhL2xhbmcvT2JqZWN0"
          + "OylMamF2YS9sYW5nL09iamVjdDsBABhqZGsvaW50ZXJuYWwvbWlzYy9VbnNhZmUHAA0BAAlnZXRVbnNhZmUBABwo"
          + "KUxqZGsvaW50ZXJuYWwvbWlzYy9VbnNhZmU7DAAPABAKAA4AEQEAEGphdmEvbGFuZy9TdHJpbmcHABMBAAJbQgcA"
          + "FQEAC2RlZmluZUNsYXNzAQBgKExqYXZhL2xhbmcvU3RyaW5nO1tCSUlMamF2YS9sYW5nL0NsYXNzTG9hZGVyO0xq"
          + "YXZhL3NlY3VyaXR5L1Byb3RlY3Rpb25Eb21haW47KUxqYXZhL2xhbmcvQ2xhc3M7DAAXABgKAA4AGQEABENvZGUQ"
          + "MQACAAQAAQAGAAAAAgABAAcACAABABsAAAARAAEAAQAAAAUqtwAKsQAAAAAAAQALAAwAAQAbAAAAIwAHAAMAAAAX"
          + "uAASK8AAFCzAABYDLMAAFr4BAbYAGrAAAAAAAAA=";

  private static void appendToBootClassPath(Instrumentation inst, byte[] nested) throws IOException {
    Path jar = newFile(Path.of(System.getProperty("java.io.tmpdir")), "perfmon-bootstrap-", ".jar");
    try {
      try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE)) {
        out.write(nested);
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
  }

  /**
   * A new, empty file {@code <prefix><hex><suffix>} in {@code dir} (a shared temporary directory)
   * that no one else can have prepared: created with {@code CREATE_NEW} (O_EXCL, which also refuses
   * a symbolic link planted at that name). The name comes from the clock rather than from {@link
   * Files#createTempFile}, whose first use seeds a {@code SecureRandom}: about 10 ms of CPU
   * (premain for the bootstrap jar; the snapshot thread's first status file, during the
   * application's start-up).
   */
  @SuppressForbidden // createTempFile only after ten names were taken, which does not happen
  static Path newFile(Path dir, String prefix, String suffix) throws IOException {
    for (int attempt = 0; attempt < 10; attempt++) {
      Path candidate = dir.resolve(prefix + Long.toHexString(System.nanoTime()) + suffix);
      try {
        Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return candidate;
      } catch (FileAlreadyExistsException taken) {
        // someone else's file (or a link) by that name: try another name
      }
    }
    return Files.createTempFile(dir, prefix, suffix);
  }

  private static boolean alreadyInBootLoader() {
    try {
      Class.forName(PROBE, false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
