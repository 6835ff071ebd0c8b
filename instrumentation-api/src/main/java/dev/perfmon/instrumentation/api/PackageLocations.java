package dev.perfmon.instrumentation.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Per class loader, where the classes of each package came from (the code source location of a
 * class of that package that went through the transformer), so that a super type's class file is
 * looked for first in the jar that holds its package ({@link ClassFileReader}).
 *
 * <p>Why: a super type in another jar than its subclass (a Spring Data repository's base class,
 * say) was found by asking the loader, which for Spring Boot's launcher opens its nested jars one
 * after another until one has the file: on the large Spring Boot test application 424 such
 * look-ups allocated about 25 MB and cost a good part of the reads' CPU time. A package is nearly
 * always in one jar, and most super types' packages have had a class loaded before.
 *
 * <p>Memory: per loader, a table of 64-bit package-name hashes (no names) and small indexes into
 * the loader's list of distinct locations, at most {@value #MAX_PACKAGES} packages (10 bytes
 * a slot); the locations are held weakly (the loader's protection domains hold them as long as the
 * loader lives), and the tables go with their loader. Nothing here keeps a class loader
 * reachable. Thread-safe.
 */
final class PackageLocations {
  /** Most packages remembered per loader; past it, new packages are not remembered. */
  static final int MAX_PACKAGES = 8192;

  /**
   * Most distinct locations per loader (its jars and directories; a loader's protection domains
   * share one location object per jar, so this is not reached by one that defines classes the
   * usual way).
   */
  static final int MAX_LOCATIONS = 1024;

  private static final Map<ClassLoader, Table> TABLES = new WeakHashMap<>();

  private PackageLocations() {}

  /** The table of {@code loader}, or null. */
  private static Table tableOf(ClassLoader loader) {
    synchronized (TABLES) {
      return TABLES.get(loader);
    }
  }

  /** Remembers that {@code binaryName}'s package is at {@code location} for {@code loader}. */
  static void remember(ClassLoader loader, String binaryName, URL location) {
    remember(loader, keyOf(binaryName), location);
  }

  /**
   * Remembers that the package whose {@link #keyOf key} is {@code packageKey} is at {@code
   * location} for {@code loader}; nothing when the key is 0 (no package).
   */
  static void remember(ClassLoader loader, long packageKey, URL location) {
    if (loader == null || location == null || packageKey == 0) {
      return;
    }
    // Classes load in runs from one loader: its table without the map's lock, most of the time.
    Table t = LAST_TABLE.get(loader);
    if (t == null) {
      synchronized (TABLES) {
        t = TABLES.get(loader); // no lambda (computeIfAbsent): see package-info
        if (t == null) {
          t = new Table();
          TABLES.put(loader, t);
        }
      }
      LAST_TABLE.set(loader, t);
    }
    t.put(packageKey, location);
  }

  /** The loader whose table {@link #remember} used last, and that table. */
  private static final LastLoader<Table> LAST_TABLE = new LastLoader<>();

  /** The package key of a binary name ({@link #key}), or 0 when it is in no package. */
  static long keyOf(String binaryName) {
    int dot = binaryName.lastIndexOf('.');
    return dot <= 0 ? 0 : key(binaryName, dot);
  }

  /** Where {@code binaryName}'s package was seen for {@code loader}, or null. */
  static URL find(ClassLoader loader, String binaryName) {
    int dot = binaryName.lastIndexOf('.');
    if (loader == null || dot <= 0) {
      return null;
    }
    Table t = tableOf(loader);
    return t == null ? null : t.find(key(binaryName, dot));
  }

  /** Bytes of every loader's table arrays (10 per slot) and location list (about 48 per location). */
  static long bytes() {
    List<Table> all;
    synchronized (TABLES) {
      all = new ArrayList<>(TABLES.values());
    }
    long bytes = 0;
    for (Table t : all) {
      bytes += t.bytes();
    }
    return bytes;
  }

  /**
   * Opens {@code path} in {@code location}, a location remembered for {@code loader}; null when
   * the location does not hold it. A location that is a jar URL whose connection hands out a
   * shared, cached jar file (Spring Boot's nested jars) is opened once, and its jar file then asked
   * for the entry directly: no URL and no connection per read, and a miss is a look-up rather than
   * an exception. Any other location is read through a URL as before.
   */
  static InputStream open(ClassLoader loader, URL location, String path) throws IOException {
    JarFile jar = null;
    Table t = tableOf(loader);
    if (t != null && "jar".equals(location.getProtocol())) {
      jar = t.jarOf(location);
    }
    if (jar == null) {
      return new URL(location, path).openStream(); // throws when not there
    }
    try {
      JarEntry entry = jar.getJarEntry(path);
      return entry == null ? null : jar.getInputStream(entry);
    } catch (IllegalStateException closed) {
      t.forgetJar(location); // closed by its owner (the loader was closed): through the URL
      return new URL(location, path).openStream();
    }
  }

  /** Packages remembered for {@code loader} (for tests). */
  static int size(ClassLoader loader) {
    Table t = tableOf(loader);
    return t == null ? 0 : t.size();
  }

  /** Marks a location without a shared jar file. */
  private static final WeakReference<JarFile> NO_JAR = new WeakReference<>(null);

  /**
   * The jar file behind a {@code jar:} location when its connection hands out a cached, shared
   * one (the URL handler's cache keeps it open for the loader; the agent never closes it), else
   * null.
   */
  private static JarFile sharedJar(URL location) {
    try {
      URLConnection c = location.openConnection();
      if (c instanceof JarURLConnection j && j.getUseCaches()) {
        return j.getJarFile();
      }
    } catch (IOException | RuntimeException e) {
      // not a jar we can use: read through URLs
    }
    return null;
  }

  /** A 64-bit hash of the package part ({@code [0, dot)}) of a binary name, never 0. */
  static long key(String binaryName, int dot) {
    return SuperTypeMask.Table.key(binaryName, dot);
  }

  /** One loader's packages: an open-addressed table of hashes to indexes into {@link #locations}. */
  private static final class Table {
    private long[] keys = new long[256];
    private short[] where = new short[256];
    private int size;
    /** Distinct locations, held weakly; at most {@link #MAX_LOCATIONS}. */
    private final List<WeakReference<URL>> locations = new ArrayList<>();

    /**
     * Per location (same index), its shared jar file, held weakly (its owner, the URL handler's
     * cache, holds it as long as the loader uses it), {@link #NO_JAR} when it has none or it was
     * closed, null when not asked yet.
     */
    private final List<WeakReference<JarFile>> jars = new ArrayList<>();
    /** The index of the location remembered last (classes load in runs from one jar). */
    private int last = -1;

    /** The key {@link #put} stored last, and its location's index: the same package again is a no-op. */
    private long lastKey;

    private int lastKeyAt = -1;

    synchronized void put(long key, URL location) {
      int index = indexOf(location);
      if (index < 0 || (key == lastKey && index == lastKeyAt)) {
        return; // the next class of the package remembered last, from the same place
      }
      lastKey = key;
      lastKeyAt = index;
      int n = keys.length - 1;
      for (int i = (int) key & n; ; i = (i + 1) & n) {
        if (keys[i] == key) {
          where[i] = (short) index; // the latest jar of a split package
          return;
        }
        if (keys[i] == 0) {
          if ((size + 1) * 4 > keys.length * 3) {
            if (keys.length >= MAX_PACKAGES * 2) {
              return; // full: packages not remembered are looked for as before
            }
            grow();
            put(key, location);
            return;
          }
          keys[i] = key;
          where[i] = (short) index;
          size++;
          return;
        }
      }
    }

    synchronized URL find(long key) {
      int n = keys.length - 1;
      for (int i = (int) key & n; ; i = (i + 1) & n) {
        long k = keys[i];
        if (k == key) {
          return locations.get(where[i]).get();
        }
        if (k == 0) {
          return null;
        }
      }
    }

    synchronized int size() {
      return size;
    }

    /** The shared jar file of {@code location} (opened on first use), or null. */
    JarFile jarOf(URL location) {
      WeakReference<JarFile> held;
      synchronized (this) {
        int index = indexOf(location);
        if (index < 0) {
          return null;
        }
        held = jars.get(index);
      }
      if (held == NO_JAR) {
        return null;
      }
      JarFile jar = held == null ? null : held.get();
      if (jar != null) {
        return jar;
      }
      jar = sharedJar(location); // outside the lock: opens a connection
      synchronized (this) {
        int index = indexOf(location);
        if (index >= 0) {
          jars.set(index, jar == null ? NO_JAR : new WeakReference<>(jar));
        }
      }
      return jar;
    }

    synchronized void forgetJar(URL location) {
      int index = indexOf(location);
      if (index >= 0) {
        jars.set(index, NO_JAR);
      }
    }

    synchronized long bytes() {
      return 64 + keys.length * 10L + locations.size() * 48L;
    }

    /**
     * The index of {@code location} in {@link #locations} (added when new), or -1 when full. By
     * identity: a loader's protection domains share one location object per jar, and {@code
     * URL.equals} may resolve host names.
     */
    @SuppressWarnings("ReferenceEquality")
    private int indexOf(URL location) {
      if (last >= 0 && locations.get(last).get() == location) {
        return last;
      }
      for (int i = 0; i < locations.size(); i++) {
        if (locations.get(i).get() == location) {
          last = i;
          return i;
        }
      }
      if (locations.size() >= MAX_LOCATIONS) {
        return -1;
      }
      locations.add(new WeakReference<>(location));
      jars.add(null);
      last = locations.size() - 1;
      return last;
    }

    private void grow() {
      long[] oldKeys = keys;
      short[] oldWhere = where;
      keys = new long[oldKeys.length * 2];
      where = new short[oldKeys.length * 2];
      int n = keys.length - 1;
      for (int j = 0; j < oldKeys.length; j++) {
        long key = oldKeys[j];
        if (key != 0) {
          int i = (int) key & n;
          while (keys[i] != 0) {
            i = (i + 1) & n;
          }
          keys[i] = key;
          where[i] = oldWhere[j];
        }
      }
    }
  }
}
