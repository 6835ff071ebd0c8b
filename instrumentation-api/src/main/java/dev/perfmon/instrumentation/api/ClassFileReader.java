package dev.perfmon.instrumentation.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens the class file of a super type through the class loader of the class being matched, for
 * the hierarchy walk ({@link SuperTypeMask}).
 *
 * <p>{@link ClassLoader#getResourceAsStream} asks the parents first. For a type that is not the
 * JDK's, that means the application, platform and boot loaders each search their modules
 * ({@code BuiltinClassLoader.findMiscResource}: one look-up in the run-time image per module,
 * some seventy in all) before the loader that holds the type finds it. On a large Spring Boot
 * application this parent search was about half of what the walk cost at start-up. So for a
 * {@link URLClassLoader} (Spring Boot's launcher, Tomcat's and Jetty's web application loaders, most
 * plug-in loaders) and a type outside the JDK's packages, the loader's own {@link
 * URLClassLoader#findResource} is asked first, and the parents only when it has nothing.
 *
 * <p>Only where reading that way has no side effect the loader would not have had
 * ({@link #ownFirst}): the loader's class keeps {@link URLClassLoader}'s {@code getResource} and
 * {@code getResourceAsStream} (a loader that overrides them, Tomcat's or Jetty's, already decides
 * its own order and may cache what it reads), and none of its URLs is a jar file opened through
 * the JDK's {@code jar:} handler (whose opened jar the JDK would cache beyond the loader's {@code
 * close()}, where the loader's own {@code getResourceAsStream} registers it to be closed): directories
 * and Spring Boot's nested jars qualify. The answer differs from the JVM's only when a parent of
 * such a loader (on the class path, for example) holds a class file of the same name as the
 * loader itself, different from it in its super types: then the walk reads the loader's copy where
 * a parent-first loader would define the parent's. Types of the JDK's own packages always go
 * through the parents.
 *
 * <p>Where to look first: the jar where classes of the super type's package came from ({@link
 * PackageLocations}), then the subclass's own jar, then the loader's whole path.
 */
final class ClassFileReader {
  /** Super types looked for in their subclass's jar first and not found there (diagnostics). */
  static final java.util.concurrent.atomic.LongAdder NOT_BESIDE_SUBCLASS = new java.util.concurrent.atomic.LongAdder();

  private ClassFileReader() {}

  /**
   * The class file of {@code binaryName} as {@code loader} sees it, or null; looking first in the
   * jar its package came from ({@link PackageLocations}), then where the class being transformed
   * came from ({@code domain}'s code source, when not null): a super type is most often in the same
   * jar as its subclass, and a {@link URLClassLoader} whose URLs are not plain jar files (Spring
   * Boot's nested jars, for one) otherwise opens a connection to each of its jars in turn until one
   * has the file, well over a hundred for a large application. Taken only where the loader's own
   * resources may be read first at all ({@link #ownFirst}); a class file of the same name in two of
   * the loader's jars is then read from one of those two rather than from the first in the
   * loader's order.
   */
  @SuppressWarnings("ReferenceEquality") // the same location object, not an equal URL (URL.equals may resolve host names)
  static InputStream open(ClassLoader loader, String binaryName, ProtectionDomain domain) throws IOException {
    String path = binaryName.replace('.', '/') + ".class";
    if (loader instanceof URLClassLoader own && !JdkPackages.contains(binaryName) && ownFirst(own)) {
      URL location = location(domain);
      URL ofPackage = PackageLocations.find(loader, binaryName);
      // A package split over jars: where the subclass is next, then the loader's whole path.
      InputStream in = ofPackage != null && ofPackage != location ? openAt(loader, ofPackage, path) : null;
      if (in == null && location != null) {
        in = openAt(loader, location, path);
        if (in == null) {
          NOT_BESIDE_SUBCLASS.increment(); // the loader's whole path below
        }
      }
      if (in != null) {
        return in;
      }
      URL url = own.findResource(path);
      if (url != null) {
        return url.openStream();
      }
    }
    return loader.getResourceAsStream(path);
  }

  /** {@code path} in {@code location} (see {@link PackageLocations#open}), or null when not there. */
  private static InputStream openAt(ClassLoader loader, URL location, String path) {
    try {
      return PackageLocations.open(loader, location, path);
    } catch (IOException | RuntimeException notThere) {
      return null;
    }
  }

  /**
   * Remembers where the package of {@code binaryName}, a class that {@code loader} is defining
   * from {@code domain}, is ({@link PackageLocations}): its super types in other jars are then
   * looked for first in the jar of their package. Only for loaders whose own resources are read
   * first ({@link #ownFirst}).
   */
  static void remember(ClassLoader loader, String binaryName, ProtectionDomain domain) {
    remember(loader, PackageLocations.keyOf(binaryName), domain);
  }

  /** As {@link #remember(ClassLoader, String, ProtectionDomain)}, by the package's key. */
  static void remember(ClassLoader loader, long packageKey, ProtectionDomain domain) {
    if (packageKey != 0 && loader instanceof URLClassLoader own && ownFirst(own)) {
      URL location = location(domain);
      if (location != null) {
        PackageLocations.remember(loader, packageKey, location);
      }
    }
  }

  /** The code source of {@code domain} when it is a location {@link #ownFirst} accepts, else null. */
  private static URL location(ProtectionDomain domain) {
    if (domain == null) {
      return null;
    }
    CodeSource source = domain.getCodeSource();
    URL location = source == null ? null : source.getLocation();
    return location != null && uncached(location) ? location : null;
  }

  /** Per loader, whether its own resources may be read first. */
  private static final LoaderFacts<URLClassLoader> OWN_FIRST =
      new LoaderFacts<>(
          new java.util.function.Predicate<URLClassLoader>() { // not a lambda: see package-info
            @Override
            public boolean test(URLClassLoader l) {
              return keepsUrlClassLoaderLookups(l.getClass()) && allUrlsUncached(l.getURLs());
            }
          },
          false);

  /** Whether {@code loader}'s own resources may be read before its parents' (see above). */
  static boolean ownFirst(URLClassLoader loader) {
    return OWN_FIRST.test(loader);
  }

  private static boolean keepsUrlClassLoaderLookups(Class<?> c) {
    for (Class<?> k = c; k != URLClassLoader.class && k != null; k = k.getSuperclass()) {
      for (Method m : k.getDeclaredMethods()) {
        String n = m.getName();
        if ((n.equals("getResource") || n.equals("getResourceAsStream"))
            && m.getParameterCount() == 1
            && m.getParameterTypes()[0] == String.class) {
          return false;
        }
      }
    }
    return true;
  }

  /** True when no URL is a jar file the JDK's {@code jar:} handler would open and cache. */
  static boolean allUrlsUncached(URL[] urls) {
    for (URL u : urls) {
      if (!uncached(u)) {
        return false;
      }
    }
    return true;
  }

  /** A directory, or a jar nested in Spring Boot's fat jar (Spring Boot 3.2 and later). */
  private static boolean uncached(URL u) {
    String protocol = u.getProtocol();
    String file = u.getFile();
    return (protocol.equals("file") && file.endsWith("/")) || (protocol.equals("jar") && file.startsWith("nested:"));
  }

  /** The packages of the modules in the boot layer (the JDK's), built at first use. */
  static final class JdkPackages {
    private static final Set<String> PACKAGES = packages();

    private JdkPackages() {}

    private static Set<String> packages() {
      Set<String> all = new HashSet<>(2048);
      for (Module m : ModuleLayer.boot().modules()) {
        all.addAll(m.getPackages());
      }
      return all;
    }

    /** True when the package of {@code binaryName} is one of the boot layer's. */
    static boolean contains(String binaryName) {
      int dot = binaryName.lastIndexOf('.');
      return dot < 0 || PACKAGES.contains(binaryName.substring(0, dot));
    }
  }
}
