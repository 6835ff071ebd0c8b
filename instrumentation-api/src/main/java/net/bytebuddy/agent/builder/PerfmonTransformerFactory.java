package net.bytebuddy.agent.builder;

import java.security.ProtectionDomain;
import java.util.List;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.OutOfLine;
import dev.perfmon.instrumentation.api.TransformerCost;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Creates Byte Buddy's executing transformer without generating a class at run time.
 *
 * <p>Byte Buddy's {@code ExecutingTransformer} needs a subclass that overrides the Java 9 {@code
 * transform(Module, ...)} method so that it learns each class's module. Because Byte Buddy itself
 * still compiles for Java 5, it generates that subclass at run time, with Byte Buddy, in the static
 * initialiser of {@code ExecutingTransformer}: in a cold JVM that loads some 300 further classes and
 * took about 80 ms of every {@code premain}. The agent targets Java 17, so the same subclass is
 * written here in source ({@link ModuleAware}); it behaves exactly like the generated one ({@code
 * transform(Module, ...)} delegates to the module-aware {@code transform(Object, ...)} of the
 * superclass).
 *
 * <p>Byte Buddy's static initialiser asks {@code ExecutingTransformer.Factory.CreationAction} for
 * its factory. The agent jar replaces that one class (see {@code src/main/creation-action}, compiled
 * on its own because its binary name is that of a Byte Buddy member class) with an action that
 * returns this factory; the shade configuration leaves Byte Buddy's original out. Everywhere else,
 * such as the modules' in-process tests, Byte Buddy's own action runs and the result is the same.
 */
public enum PerfmonTransformerFactory implements AgentBuilder.Default.ExecutingTransformer.Factory {
  INSTANCE;

  @Override
  public ResettableClassFileTransformer make(
      ByteBuddy byteBuddy,
      AgentBuilder.Listener listener,
      AgentBuilder.PoolStrategy poolStrategy,
      AgentBuilder.TypeStrategy typeStrategy,
      AgentBuilder.LocationStrategy locationStrategy,
      ClassFileLocator classFileLocator,
      AgentBuilder.Default.NativeMethodStrategy nativeMethodStrategy,
      AgentBuilder.InitializationStrategy initializationStrategy,
      AgentBuilder.InjectionStrategy injectionStrategy,
      AgentBuilder.LambdaInstrumentationStrategy lambdaInstrumentationStrategy,
      AgentBuilder.DescriptionStrategy descriptionStrategy,
      AgentBuilder.FallbackStrategy fallbackStrategy,
      AgentBuilder.ClassFileBufferStrategy classFileBufferStrategy,
      AgentBuilder.InstallationListener installationListener,
      AgentBuilder.RawMatcher ignoreMatcher,
      AgentBuilder.RedefinitionStrategy.ResubmissionEnforcer resubmissionEnforcer,
      List<AgentBuilder.Default.Transformation> transformations,
      AgentBuilder.CircularityLock circularityLock) {
    return new ModuleAware(
        byteBuddy,
        listener,
        poolStrategy,
        typeStrategy,
        locationStrategy,
        classFileLocator,
        nativeMethodStrategy,
        initializationStrategy,
        injectionStrategy,
        lambdaInstrumentationStrategy,
        descriptionStrategy,
        fallbackStrategy,
        classFileBufferStrategy,
        installationListener,
        ignoreMatcher,
        resubmissionEnforcer,
        transformations,
        circularityLock);
  }

  /** The raw matchers of {@code transformations} (in Byte Buddy's package: the getter is protected). */
  static List<AgentBuilder.RawMatcher> matchersOf(List<AgentBuilder.Default.Transformation> transformations) {
    List<AgentBuilder.RawMatcher> matchers = new java.util.ArrayList<>(transformations.size());
    for (AgentBuilder.Default.Transformation t : transformations) {
      matchers.add(t.getMatcher());
    }
    return matchers;
  }

  /**
   * The executing transformer with the module-aware entry point of Java 9 and later, which first
   * takes the agent's fast path ({@link AgentBuilders#skippedBeforeMatching}) so that most classes
   * never reach Byte Buddy.
   */
  public static final class ModuleAware extends AgentBuilder.Default.ExecutingTransformer {
    /** The class-file pre-test of the transformations, or null (every class goes to Byte Buddy). */
    private final AgentBuilders.Prefilter prefilter;

    private final AgentBuilder.CircularityLock circularityLock;

    ModuleAware(
        ByteBuddy byteBuddy,
        AgentBuilder.Listener listener,
        AgentBuilder.PoolStrategy poolStrategy,
        AgentBuilder.TypeStrategy typeStrategy,
        AgentBuilder.LocationStrategy locationStrategy,
        ClassFileLocator classFileLocator,
        AgentBuilder.Default.NativeMethodStrategy nativeMethodStrategy,
        AgentBuilder.InitializationStrategy initializationStrategy,
        AgentBuilder.InjectionStrategy injectionStrategy,
        AgentBuilder.LambdaInstrumentationStrategy lambdaInstrumentationStrategy,
        AgentBuilder.DescriptionStrategy descriptionStrategy,
        AgentBuilder.FallbackStrategy fallbackStrategy,
        AgentBuilder.ClassFileBufferStrategy classFileBufferStrategy,
        AgentBuilder.InstallationListener installationListener,
        AgentBuilder.RawMatcher ignoreMatcher,
        AgentBuilder.RedefinitionStrategy.ResubmissionEnforcer resubmissionEnforcer,
        List<AgentBuilder.Default.Transformation> transformations,
        AgentBuilder.CircularityLock circularityLock) {
      super(
          byteBuddy,
          listener,
          poolStrategy,
          typeStrategy,
          locationStrategy,
          classFileLocator,
          nativeMethodStrategy,
          initializationStrategy,
          injectionStrategy,
          lambdaInstrumentationStrategy,
          descriptionStrategy,
          fallbackStrategy,
          classFileBufferStrategy,
          installationListener,
          ignoreMatcher,
          resubmissionEnforcer,
          transformations,
          circularityLock);
      this.prefilter = AgentBuilders.prefilter(matchersOf(transformations));
      this.circularityLock = circularityLock;
    }

    /** The class-file pre-test (diagnostics and tests), or null. */
    public AgentBuilders.Prefilter prefilter() {
      return prefilter;
    }

    @Override
    public byte[] transform(
        Module module,
        ClassLoader classLoader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain protectionDomain,
        byte[] binaryRepresentation) {
      long start = TransformerCost.enter();
      long cpuStart = TransformerCost.cpuStart(start);
      try {
        return transformTimed(module, classLoader, internalName, classBeingRedefined, protectionDomain, binaryRepresentation);
      } finally {
        TransformerCost.exit(start, cpuStart);
      }
    }

    private byte[] transformTimed(
        Module module,
        ClassLoader classLoader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain protectionDomain,
        byte[] binaryRepresentation) {
      if (!AgentBuilders.toBeMatchedNow(classLoader, internalName)) {
        return null;
      }
      // The matchers' super-type masks are kept per class loader: say whose class this is.
      Object scope = SuperTypeMask.enter(classLoader, protectionDomain);
      try {
        if (prefilter != null && !mayMatch(classLoader, binaryRepresentation)) {
          return null;
        }
        return transform(
            (Object) module,
            classLoader,
            internalName,
            classBeingRedefined,
            protectionDomain,
            binaryRepresentation);
      } finally {
        SuperTypeMask.exit(scope);
      }
    }

    /** The pre-test on the class file's header, under Byte Buddy's circularity lock. */
    private boolean mayMatch(ClassLoader classLoader, byte[] classFile) {
      return OutOfLine.mayMatch(prefilter, circularityLock, classLoader, classFile);
    }
  }
}
