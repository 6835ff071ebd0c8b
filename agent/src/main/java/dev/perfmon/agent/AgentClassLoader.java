package dev.perfmon.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class loader of the agent's implementation: configuration, instrumentation modules, monitor,
 * outputs, CLI and the relocated libraries. Part of the entry point, with {@link PerfmonAgent}.
 *
 * <p>The agent jar keeps those classes under {@value #PREFIX} with the extension {@value
 * #CLASS_SUFFIX}, so the application's class loader (which has the jar on its class path because
 * the JVM appends every agent jar there) cannot find them, class-path scanners do not see them as
 * classes, and {@code Class.forName} of an agent class from application code fails. Only this
 * loader reads them. Its parent is the platform class loader in a monitored JVM (the agent sees the
 * JDK, and the bootstrap classes that the boot loader holds, never the application's classes), and
 * the system class loader in the command-line tool's own JVM (which needs {@code jdk.attach}, a
 * module of the system loader).
 *
 * <p>Resources are looked up here before the parent: every name under {@value #PREFIX} is the
 * agent's own, and Byte Buddy reads the agent's advice classes as {@code .class} resources through
 * this loader, which maps them to their stored names.
 *
 * <p>When the agent detaches, nothing refers to this loader any more (the bootstrap hooks are
 * reset, threads stopped, transformers removed) and it is collected with every class it defined.
 */
final class AgentClassLoader extends ClassLoader {
  /** Where the agent's own entries are in the jar. */
  static final String PREFIX = "inst/";

  /** The stored extension of class files: not {@code .class}, so that no scanner parses them. */
  static final String CLASS_SUFFIX = ".classdata";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  private final String jarUrl;
  private final ProtectionDomain domain;
  private final Manifest manifest;
  private final URL location;

  private AgentClassLoader(JarFile jar, URL location, ClassLoader parent) throws IOException {
    super("perfmon-agent", parent);
    this.jar = jar;
    this.location = location;
    this.jarUrl = "jar:" + location.toExternalForm() + "!/";
    this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    Manifest m = jar.getManifest();
    this.manifest = m == null ? new Manifest() : m;
  }

  /**
   * The loader for the agent jar {@code jar}, or null when that jar has no {@value #PREFIX}
   * entries (the agent's classes were loaded from a directory or a plain jar: tests and
   * development, where everything stays in the loader that loaded this class).
   */
  static AgentClassLoader open(URL location, ClassLoader parent) throws IOException {
    if (location == null || !"file".equals(location.getProtocol())) {
      return null;
    }
    java.io.File file;
    try {
      file = new java.io.File(location.toURI());
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    if (!file.isFile()) {
      return null;
    }
    JarFile jar = new JarFile(file, false);
    if (jar.getEntry(PREFIX + "dev/perfmon/agent/AgentRuntime" + CLASS_SUFFIX) == null) {
      jar.close();
      return null;
    }
    return new AgentClassLoader(jar, location, parent);
  }

  /**
   * The whole of {@code in}, read into one array of the entry's size when the jar states it (every
   * entry of the agent's own jar does): {@code readAllBytes} reads into 8 KB chunks and copies them
   * into the result, about twice the class file's size in garbage for each of the thousand or so
   * agent classes defined at start-up.
   */
  static byte[] read(InputStream in, long size) throws IOException {
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      return in.readAllBytes();
    }
    byte[] bytes = new byte[(int) size];
    if (in.readNBytes(bytes, 0, bytes.length) < size || in.read() != -1) {
      throw new IOException("entry size " + size + " does not match its content");
    }
    return bytes;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = read(in, entry.getSize());
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      definePackageOnce(name.substring(0, dot));
    }
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  private void definePackageOnce(String pkg) {
    if (getDefinedPackage(pkg) != null) {
      return;
    }
    Attributes a = manifest.getMainAttributes();
    try {
      definePackage(
          pkg,
          null,
          null,
          null,
          a.getValue(Attributes.Name.IMPLEMENTATION_TITLE),
          a.getValue(Attributes.Name.IMPLEMENTATION_VERSION),
          a.getValue(Attributes.Name.IMPLEMENTATION_VENDOR),
          null);
    } catch (IllegalArgumentException definedMeanwhile) {
      // another thread defined it first (the loader is parallel capable)
    }
  }

  /** The jar entry that holds resource {@code name}, or null. */
  private JarEntry entry(String name) {
    if (name.isEmpty() || name.startsWith("/")) {
      return null;
    }
    String stored = name.endsWith(".class") ? name.substring(0, name.length() - 6) + CLASS_SUFFIX : name;
    return jar.getJarEntry(PREFIX + stored);
  }

  @Override
  protected URL findResource(String name) {
    JarEntry e = entry(name);
    if (e == null) {
      return null;
    }
    try {
      return new URL(jarUrl + e.getName());
    } catch (MalformedURLException impossible) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(url));
  }

  /**
   * The agent's own resources straight from the open jar (no URL connection, which would open and
   * cache a second handle on the jar); other names from the parent.
   */
  @Override
  public InputStream getResourceAsStream(String name) {
    JarEntry e = entry(name);
    if (e != null) {
      try {
        return jar.getInputStream(e);
      } catch (IOException failed) {
        return null; // as ClassLoader.getResourceAsStream does for an unreadable resource
      }
    }
    return super.getResourceAsStream(name);
  }

  @Override
  public String toString() {
    return "perfmon-agent class loader (" + location + ")";
  }
}
