package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;

import dev.perfmon.bootstrap.AgentErrors;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.PerfmonAgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Builds the agent's {@link AgentBuilder}: shared settings and the translation of {@link
 * InstrumentationModule}s into Byte Buddy transformations. Used by the agent and by the in-process
 * instrumentation tests, so both weave exactly the same way.
 */
public final class AgentBuilders {
  private AgentBuilders() {}

  /**
   * The common base: retransformation (so that classes loaded before the agent, and an attach to a
   * running JVM, are covered), no class-format changes (advice is inlined; no fields or methods are
   * added, so retransformation is always legal), descriptions from the class file pool first (no
   * class loading during matching; reflection only for loaded classes without a class file, such
   * as proxies) kept in a {@link BoundedTypePoolCache} between transformations, and our own and
   * Byte Buddy's packages ignored.
   *
   * <p>Every strategy is given to the constructor at once ({@link PerfmonAgentBuilder}): {@code new
   * AgentBuilder.Default()} would first build its defaults, among them a self-injection
   * initialisation strategy whose set-up (Byte Buddy's {@code Nexus} accessor) cost about 20 ms of
   * start-up, only for the agent to replace it with {@link AgentBuilder.InitializationStrategy.NoOp}.
   */
  public static AgentBuilder base(AgentBuilder.Listener listener) {
    return base(listener, TooLargeMethods.Reporter.NONE);
  }

  /**
   * {@link #base(AgentBuilder.Listener)}, and a method that advice would make too large for the JVM
   * is left out of its class's transformation instead of failing it ({@link TooLargeMethods}):
   * {@code tooLarge} hears of each such method, {@code listener} of no such failure.
   */
  public static AgentBuilder base(AgentBuilder.Listener listener, TooLargeMethods.Reporter tooLarge) {
    return base(listener, TooLargeMethods.wiring(tooLarge));
  }

  /**
   * {@link #base(AgentBuilder.Listener, TooLargeMethods.Reporter)} with the caller's wiring, for a
   * transformer that is made without {@code installOn} ({@link #unregistered}).
   */
  public static AgentBuilder base(AgentBuilder.Listener listener, TooLargeMethods.Wiring tooLargeMethods) {
    return new PerfmonAgentBuilder(
            tooLargeMethods.listener(listener),
            new BoundedTypePoolCache(),
            LoadedClassDiscovery.INSTANCE,
            retransformBatches(),
            retransformListener(),
            tooLargeMethods)
        .ignore(ignored());
  }

  /**
   * The transformer {@code builder.installOn} would register, decorated as it would be, but neither
   * registered with the JVM nor applied to loaded classes: for {@link DeferredTransformer}, which
   * delegates to it. {@code tooLargeMethods} must be the wiring {@code builder} was based on.
   */
  public static ResettableClassFileTransformer unregistered(AgentBuilder builder, TooLargeMethods.Wiring tooLargeMethods) {
    return tooLargeMethods.decorate((ResettableClassFileTransformer) builder.makeRaw());
  }

  /**
   * The circularity lock of every transformer of the agent (Byte Buddy's, and {@link
   * DeferredTransformer} before it): a class loaded while the agent matches another on the same
   * thread is left alone.
   */
  public static final AgentBuilder.CircularityLock CIRCULARITY_LOCK = new ThreadCircularityLock();

  /**
   * The raw matchers of {@code module}'s transformations, as {@link #add} gives them to Byte Buddy
   * (for a {@link #prefilter} before the builder is made).
   */
  public static List<AgentBuilder.RawMatcher> matchersOf(InstrumentationModule module) {
    List<AgentBuilder.RawMatcher> out = new ArrayList<>();
    for (TypeInstrumentation ti : module.typeInstrumentations()) {
      out.add(matcherOf(module, ti));
    }
    return out;
  }

  /** The raw matcher of one of {@code module}'s type instrumentations. */
  private static AgentBuilder.RawMatcher matcherOf(InstrumentationModule module, TypeInstrumentation ti) {
    return matcher(ti.typeMatcher(), module.classLoaderMatcher(), classFileTestOf(ti));
  }

  /** {@code ti}'s class-file test, behind the test of its advice's method names when it has them. */
  static ClassFileTest classFileTestOf(TypeInstrumentation ti) {
    String[] names = ti.adviceMethodNames();
    return names == null ? ti.classFileTest() : ClassFileTest.declaringMethodNamed(names, ti.classFileTest());
  }

  /** Estimated heap of one cached type description (parsed signatures, no code). */
  static final long DESCRIPTION_BYTES = 2_500;

  /**
   * The heap the agent keeps for matching and transforming classes: the super-type mask tables
   * and the package locations (exact, but for the locations' weak references), and the cached type
   * descriptions (their number times {@value #DESCRIPTION_BYTES} bytes, an estimate). Cheap: for
   * the snapshot's {@code agent.retainedBytes}.
   */
  public static long matchingStateBytes() {
    return SuperTypeMask.sharedTableBytes()
        + PackageLocations.bytes()
        + BoundedTypePoolCache.descriptionsHeld() * DESCRIPTION_BYTES;
  }

  /** The agent's own packages (the demo and other dev.perfmon code are not among them). */
  private static final String[] AGENT_PACKAGES = {
    "dev.perfmon.agent.",
    "dev.perfmon.bootstrap.",
    "dev.perfmon.config.",
    "dev.perfmon.instrumentation.",
    "dev.perfmon.shaded.",
    "dev.perfmon.api."
  };

  private static final NamePrefixes AGENT_PACKAGE_NAMES = NamePrefixes.of(AGENT_PACKAGES);

  /** True for classes of the agent itself, which are never instrumented. */
  public static boolean isAgentOwn(String className) {
    return AGENT_PACKAGE_NAMES.matches(className);
  }

  /**
   * Retransformation of already-loaded classes (at attach, reconfiguration and detach) pauses the
   * JVM's threads for each batch: small batches keep each pause short.
   */
  public static AgentBuilder.RedefinitionStrategy.BatchAllocator retransformBatches() {
    return AgentBuilder.RedefinitionStrategy.BatchAllocator.ForFixedSize.ofSize(RETRANSFORM_BATCH);
  }

  /**
   * Between batches the agent sleeps briefly so the application runs; a batch that fails is split
   * so that one class the JVM refuses does not keep the others uninstrumented.
   */
  public static AgentBuilder.RedefinitionStrategy.Listener retransformListener() {
    return new AgentBuilder.RedefinitionStrategy.Listener.Compound(
        AgentBuilder.RedefinitionStrategy.Listener.Pausing.of(RETRANSFORM_PAUSE_MS, java.util.concurrent.TimeUnit.MILLISECONDS),
        AgentBuilder.RedefinitionStrategy.Listener.BatchReallocator.splitting());
  }

  /**
   * Which loaded classes an installation, and a reset (reconfiguration, detach), looks at: see
   * {@link LoadedClassDiscovery}. A reset without it would describe every loaded class again, the
   * JDK's included.
   */
  public static AgentBuilder.RedefinitionStrategy.DiscoveryStrategy loadedClassDiscovery() {
    return LoadedClassDiscovery.INSTANCE;
  }

  /** Classes retransformed per batch. */
  static final int RETRANSFORM_BATCH = 100;
  /** Pause between two batches. */
  static final long RETRANSFORM_PAUSE_MS = 5;

  /**
   * Which already-loaded classes the installation (and a later reset) retransforms: only classes
   * that can be instrumented at all, i.e. not the JDK's own (bootstrap or platform loader) except
   * {@code java.sql}/{@code javax.sql}, and no arrays, primitives or unmodifiable (hidden) classes.
   * Filtering here, by loader and name, avoids describing and matching the several hundred JDK
   * classes loaded before {@code premain}, which was most of the agent's start-up time.
   */
  enum LoadedClassDiscovery implements AgentBuilder.RedefinitionStrategy.DiscoveryStrategy {
    INSTANCE;

    @Override
    public Iterable<Iterable<Class<?>>> resolve(java.lang.instrument.Instrumentation inst) {
      List<Class<?>> candidates = new ArrayList<>();
      ClassLoader platform = ClassLoader.getPlatformClassLoader();
      for (Class<?> c : inst.getAllLoadedClasses()) {
        ClassLoader loader = c.getClassLoader();
        String name = c.getName();
        if (loader == null || loader == platform) {
          if (!name.startsWith("java.sql.") && !name.startsWith("javax.sql.")) {
            continue;
          }
        } else if (isAgentOwn(name)) {
          continue; // the agent's own ~1,300 classes: never instrumented, costly to describe
        }
        if (!c.isArray() && !c.isPrimitive() && inst.isModifiableClass(c)) {
          candidates.add(c);
        }
      }
      return java.util.Collections.<Iterable<Class<?>>>singletonList(candidates);
    }
  }

  /**
   * Packages never transformed, whoever loads them: the agent's own, Byte Buddy's, reflection
   * accessors, JDK proxies and method handle internals.
   */
  private static final String[] NEVER_TRANSFORMED =
      concat(
          AGENT_PACKAGES,
          "net.bytebuddy.",
          "jdk.proxy",
          "com.sun.proxy.",
          "sun.reflect.",
          "jdk.internal.reflect.",
          "java.lang.invoke.");

  private static final NamePrefixes NEVER_TRANSFORMED_NAMES = NamePrefixes.of(NEVER_TRANSFORMED);

  /** {@link #NEVER_TRANSFORMED} as internal names ({@code a/b/C}), for the transformer's fast path. */
  private static final NamePrefixes NEVER_TRANSFORMED_INTERNAL = internalNames(NEVER_TRANSFORMED);

  private static NamePrefixes internalNames(String[] prefixes) {
    // A plain loop, no streams: this runs in premain, in a cold JVM.
    String[] internal = new String[prefixes.length];
    for (int i = 0; i < prefixes.length; i++) {
      internal[i] = prefixes[i].replace('.', '/');
    }
    return NamePrefixes.of(internal);
  }

  private static final ClassLoader PLATFORM_LOADER = ClassLoader.getPlatformClassLoader();

  /**
   * The transformer's fast path, taken before Byte Buddy sees a class being loaded: true when the
   * class is never transformed and its loader and internal name alone say so (the JDK's own loaders
   * except for {@code java.sql}/{@code javax.sql}, and the {@link #ignoredTypes() ignored packages}).
   *
   * <p>Besides saving the creation of a type pool for each of the JDK's and the agent's classes
   * loaded after start-up, it keeps the agent's own class loading out of Byte Buddy: without it, a
   * thread loading an agent class ran Byte Buddy's matching inside that class's definition, which
   * could itself load Byte Buddy classes while another thread, defining one of those, waited for
   * the first class: a class-loading deadlock. It was reproduced with a second thread loading the
   * agent's classes during start-up; an attach that builds a new transformer while the application
   * loads classes through the old one could meet the same cycle.
   */
  public static boolean skippedBeforeMatching(ClassLoader loader, String internalName) {
    if (internalName == null) {
      return false; // let Byte Buddy decide
    }
    if (loader == null || loader == PLATFORM_LOADER) {
      return !(internalName.startsWith("java/sql/") || internalName.startsWith("javax/sql/"));
    }
    return NEVER_TRANSFORMED_INTERNAL.matches(internalName)
        || internalName.contains("$$Lambda");
  }

  /**
   * Whether the transformer goes on to match this class now: not when {@link #skippedBeforeMatching
   * the fast path} leaves it, and not too close to the end of this thread's stack ({@link
   * StackHeadroom}), where the class is deferred: transformed later on the agent's thread.
   */
  public static boolean toBeMatchedNow(ClassLoader loader, String internalName) {
    if (skippedBeforeMatching(loader, internalName)) {
      return false;
    }
    if (!StackHeadroom.ample()) {
      StackHeadroom.defer(loader, internalName);
      return false;
    }
    return true;
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /** Matches {@link #NEVER_TRANSFORMED} by name, without describing the type further. */
  private static final class NeverTransformedNames extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
    @Override
    public boolean matches(TypeDescription target) {
      return NEVER_TRANSFORMED_NAMES.matches(target.getName());
    }
  }

  /**
   * Types never transformed: {@link #NEVER_TRANSFORMED}'s packages, lambdas and synthetic types.
   */
  public static ElementMatcher.Junction<TypeDescription> ignoredTypes() {
    return new NeverTransformedNames()
        .or(ElementMatchers.<TypeDescription>nameContains("$$Lambda"))
        .or(isSynthetic());
  }

  /**
   * Class loaders whose types are never transformed. The JDK's own loaders are excluded except for
   * {@code java.sql}/{@code javax.sql} types, which the JDBC instrumentation needs (DriverManager).
   */
  private static AgentBuilder.RawMatcher ignored() {
    ElementMatcher<TypeDescription> types = ignoredTypes();
    return new AgentBuilder.RawMatcher() { // not a lambda: see package-info
      @Override
      public boolean matches(
          TypeDescription typeDescription,
          ClassLoader classLoader,
          net.bytebuddy.utility.JavaModule module,
          Class<?> classBeingRedefined,
          java.security.ProtectionDomain protectionDomain) {
        // Cheapest checks first: the loader, then the name; only then the matchers that need a
        // description of the type (synthetic flag), which may mean parsing its class file.
        if (classLoader == null || classLoader == PLATFORM_LOADER) {
          String name = typeDescription.getName();
          return !(name.startsWith("java.sql.") || name.startsWith("javax.sql."));
        }
        return types.matches(typeDescription);
      }
    };
  }

  /**
   * Adds the transformations of one module.
   *
   * @param adviceLoader the class loader that can read the advice classes' bytes (the agent's)
   */
  public static AgentBuilder add(
      AgentBuilder builder, InstrumentationModule module, ClassLoader adviceLoader) {
    AgentBuilder result = builder;
    for (TypeInstrumentation ti : module.typeInstrumentations()) {
      List<AgentBuilder.Transformer> transformers =
          transformersOf(ti, Advice.withCustomMapping(), adviceLoader, AgentErrors.moduleOf(module.name()));
      AgentBuilder.Identified.Extendable ext = null;
      for (AgentBuilder.Transformer t : transformers) {
        ext = ext == null
            ? result.type(matcherOf(module, ti)).transform(t)
            : ext.transform(t);
      }
      if (ext != null) {
        result = ext;
      }
    }
    return result;
  }

  /**
   * The raw matcher of a transformation: {@code loaders} and {@code types} as Byte Buddy's {@code
   * type(types, loaders)} has them, and {@code test}, asked by the agent's transformer on the class
   * file before Byte Buddy describes the class (see {@link #prefilter}).
   */
  public static AgentBuilder.RawMatcher matcher(
      ElementMatcher<? super TypeDescription> types, ElementMatcher<? super ClassLoader> loaders, ClassFileTest test) {
    return new Prefiltered(new AgentBuilder.RawMatcher.ForElementMatchers(types, loaders), loaders, test);
  }

  /** A raw matcher with the class-file test that is true for every class it matches. */
  static final class Prefiltered implements AgentBuilder.RawMatcher {
    private final AgentBuilder.RawMatcher matcher;
    private final ElementMatcher<? super ClassLoader> loaders;
    private final ClassFileTest test;

    Prefiltered(AgentBuilder.RawMatcher matcher, ElementMatcher<? super ClassLoader> loaders, ClassFileTest test) {
      this.matcher = matcher;
      this.loaders = loaders;
      this.test = test;
    }

    @Override
    public boolean matches(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        net.bytebuddy.utility.JavaModule module,
        Class<?> classBeingRedefined,
        java.security.ProtectionDomain protectionDomain) {
      Object[] passed = SuperTypeMask.passed();
      if (passed != null && !contains(passed, this)) {
        // Byte Buddy asks every transformation about a class that passed any one's test; this
        // one's failed (on the header or on the loader), so it cannot match. Answering here
        // keeps its class loader matcher from being asked for another transformation's class: the
        // servlet module's, asked first for an application class matched by methods=, searched
        // every nested jar of a Spring Boot application early in its start-up.
        return false;
      }
      return matcher.matches(typeDescription, classLoader, module, classBeingRedefined, protectionDomain);
    }

    private static boolean contains(Object[] passed, Object transformation) {
      for (Object p : passed) {
        if (p == transformation) {
          return true;
        }
      }
      return false;
    }

    /**
     * The header test first: a class loader matcher may search the loader's resources on its
     * first use (the servlet module's looks for the Servlet API, which on a Spring Boot fat jar
     * opened the nested jars one after the other), and most classes fail the header test, so
     * most loaders are never asked.
     */
    boolean mayMatch(ClassHeader header, ClassLoader loader) {
      return test.mayMatch(header, loader) && loaders.matches(loader);
    }
  }

  /**
   * The class-file pre-test of a transformer with these transformations' raw matchers: false for a
   * class that none of them can match, decided on the class file's header (access flags, names,
   * super types) before Byte Buddy describes the class, which parses the whole class file. Null
   * when a transformation has no such test ({@link #matcher}): then every class goes to Byte Buddy.
   */
  public static Prefilter prefilter(List<? extends AgentBuilder.RawMatcher> matchers) {
    List<Prefiltered> tests = new ArrayList<>();
    for (AgentBuilder.RawMatcher m : matchers) {
      if (!(m instanceof Prefiltered p)) {
        return null;
      }
      tests.add(p);
    }
    return new Prefilter(tests.toArray(new Prefiltered[0]));
  }

  /** See {@link #prefilter}. */
  public static final class Prefilter {
    private final Prefiltered[] tests;

    /** Classes decided on their header: passed to Byte Buddy, and left alone (diagnostics, tests). */
    public final java.util.concurrent.atomic.LongAdder passed = new java.util.concurrent.atomic.LongAdder();

    public final java.util.concurrent.atomic.LongAdder rejected = new java.util.concurrent.atomic.LongAdder();

    Prefilter(Prefiltered[] tests) {
      this.tests = tests;
    }

    /**
     * False when no transformation can match the class in {@code classFile}; true when one may, or
     * when the bytes cannot be read as a class file (Byte Buddy decides). Call it inside the
     * matching scope of the class's loader ({@link SuperTypeMask#enter}).
     */
    public boolean mayMatch(ClassLoader loader, byte[] classFile) {
      // The constant-pool index goes into the thread's reusable array, taken out of its holder
      // while in use: a class loaded on this thread during the test (a nested transformation)
      // finds the holder empty and indexes into an array of its own.
      int[][] holder = ENTRIES.get();
      int[] scratch = holder[0];
      holder[0] = null;
      ClassHeader header;
      try {
        header = ClassHeader.of(classFile, scratch);
      } catch (RuntimeException malformed) {
        holder[0] = scratch;
        return true;
      }
      try {
        SuperTypeMask.rememberLocation(loader, header);
        Object[] passing = passingFrom(0, header, loader, null, 0);
        if (passing == null) {
          rejected.increment();
          return false;
        }
        SuperTypeMask.passed(passing);
        passed.increment();
        return true;
      } finally {
        int[] used = header.entriesArray();
        holder[0] = used.length <= ClassHeader.MAX_ENTRIES_SCRATCH ? used : scratch;
      }
    }

    /**
     * The transformations from the {@code i}-th on whose tests the class passes, added to {@code
     * passing} (made when the first passes; {@code n} filled), or null when none has. Every test,
     * not up to the first that passes: the transformations whose tests failed are then answered
     * without their matchers ({@link Prefiltered#matches}).
     *
     * <p>A recursion over the tests (about ten, one frame each), not a loop: a loop's back edges,
     * some ten per class, made the JIT compile the pre-test a second time, on stack replacement
     * (40-57 ms of C2's time in a start of the large application, after the normal compilation,
     * which it requested while the pre-test still ran in C1's code). Runs after the stack-headroom
     * probe, with at least its 18 KB of stack to spare.
     */
    private Object[] passingFrom(int i, ClassHeader header, ClassLoader loader, Object[] passing, int n) {
      if (i == tests.length) {
        return passing;
      }
      Prefiltered p = tests[i];
      if (p.mayMatch(header, loader)) {
        Object[] to = passing == null ? new Object[tests.length] : passing;
        to[n] = p;
        return passingFrom(i + 1, header, loader, to, n + 1);
      }
      return passingFrom(i + 1, header, loader, passing, n);
    }

    /**
     * {@link #mayMatch(ClassLoader, byte[])} under {@code lock}, Byte Buddy's circularity lock, as
     * its own matching is: a class loaded while a super type's class file is read (by the class
     * loader's own machinery) is then left alone, as Byte Buddy leaves it, instead of reading class
     * files through a class loader that is in the middle of loading that very class. True when the
     * test fails unexpectedly (Byte Buddy decides); false when the lock is held (nested).
     */
    public boolean mayMatch(AgentBuilder.CircularityLock lock, ClassLoader loader, byte[] classFile) {
      if (!lock.acquire()) {
        return false; // nested in the agent's own matching on this thread: Byte Buddy would skip it too
      }
      try {
        return mayMatch(loader, classFile);
      } catch (Throwable t) {
        return true; // Byte Buddy decides
      } finally {
        lock.release();
      }
    }

    /**
     * Per thread, a constant-pool index array reused from one class's header to the next (an
     * {@code int[][]}, a JDK type: nothing of the agent's stays in an application thread's map).
     */
    private static final ThreadLocal<int[][]> ENTRIES =
        new ThreadLocal<>() { // not a lambda: see package-info
          @Override
          protected int[][] initialValue() {
            return new int[][] {new int[512]};
          }
        };
  }

  /**
   * The Byte Buddy transformers for one type instrumentation, whose suppressed advice errors count
   * for {@code module} (an {@link AgentErrors} module index).
   */
  public static List<AgentBuilder.Transformer> transformersOf(
      TypeInstrumentation ti, Advice.WithCustomMapping mapping, ClassLoader adviceLoader, int module) {
    List<AgentBuilder.Transformer> out = new ArrayList<>();
    ti.transform(
        new Transformer() { // not a lambda: see package-info
          @Override
          public void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
            out.add(
                new CachedAdvice(
                    mapping, AdviceSupport.exceptionHandler(module), adviceLoader, adviceClassName, abstractFree(methods)));
          }
        });
    return out;
  }

  /**
   * Weaves one advice class, read and parsed once per class loader of the woven classes: Byte
   * Buddy's {@code Transformer.ForAdvice} reads and parses the advice class again for every class
   * it transforms. The advice's types are resolved as {@code ForAdvice} resolves them: the agent's
   * loader first (the advice class), then the woven class's loader (the library types it names).
   * The loader is held weakly, and so is the advice, by its loader.
   */
  static final class CachedAdvice implements AgentBuilder.Transformer {
    private final Advice.WithCustomMapping mapping;
    private final Advice.ExceptionHandler exceptionHandler;
    private final ClassLoader adviceLoader;
    private final String adviceClassName;
    private final ElementMatcher<? super MethodDescription> methods;
    private final java.util.Map<ClassLoader, Advice> byLoader = new java.util.WeakHashMap<>();
    private Advice forBootLoader;

    /** Advice classes parsed (for tests). */
    final java.util.concurrent.atomic.LongAdder parsed = new java.util.concurrent.atomic.LongAdder();

    CachedAdvice(
        Advice.WithCustomMapping mapping,
        Advice.ExceptionHandler exceptionHandler,
        ClassLoader adviceLoader,
        String adviceClassName,
        ElementMatcher<? super MethodDescription> methods) {
      this.mapping = mapping;
      this.exceptionHandler = exceptionHandler;
      this.adviceLoader = adviceLoader;
      this.adviceClassName = adviceClassName;
      this.methods = methods;
    }

    @Override
    public net.bytebuddy.dynamic.DynamicType.Builder<?> transform(
        net.bytebuddy.dynamic.DynamicType.Builder<?> builder,
        TypeDescription typeDescription,
        ClassLoader classLoader,
        net.bytebuddy.utility.JavaModule module,
        java.security.ProtectionDomain protectionDomain) {
      return builder.visit(advice(classLoader).on(methods));
    }

    private Advice advice(ClassLoader loader) {
      synchronized (byLoader) {
        Advice a = loader == null ? forBootLoader : byLoader.get(loader);
        if (a != null) {
          return a;
        }
      }
      // Parsed outside the lock: two threads may parse it once each, the last one is kept.
      net.bytebuddy.dynamic.ClassFileLocator locator =
          new net.bytebuddy.dynamic.ClassFileLocator.Compound(
              net.bytebuddy.dynamic.ClassFileLocator.ForClassLoader.of(adviceLoader),
              loader == null
                  ? net.bytebuddy.dynamic.ClassFileLocator.ForClassLoader.ofBootLoader()
                  : net.bytebuddy.dynamic.ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
      net.bytebuddy.pool.TypePool pool = net.bytebuddy.pool.TypePool.Default.of(locator);
      Advice a =
          mapping.to(ResolvedOnce.resolvedNow(pool.describe(adviceClassName).resolve()), locator)
              .withExceptionHandler(exceptionHandler);
      parsed.increment();
      synchronized (byLoader) {
        if (loader == null) {
          forBootLoader = a;
        } else {
          byLoader.put(loader, a);
        }
      }
      return a;
    }
  }

  /**
   * Advice is never woven into abstract or native methods, nor into a method it would make too
   * large ({@link TooLargeMethods}).
   */
  @SuppressWarnings("unchecked")
  private static ElementMatcher<? super MethodDescription> abstractFree(
      ElementMatcher<? super MethodDescription> methods) {
    return ElementMatchers.not(ElementMatchers.isAbstract())
        .and(ElementMatchers.not(ElementMatchers.isNative()))
        .and((ElementMatcher<MethodDescription>) methods)
        .and(ElementMatchers.not(TooLargeMethods.excluded()));
  }
}
