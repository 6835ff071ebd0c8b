package net.bytebuddy.agent.builder;

import java.util.Collections;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;

/**
 * The agent's {@link AgentBuilder.Default}, built with every strategy given to the full constructor
 * at once. {@code new AgentBuilder.Default()} first builds Byte Buddy's defaults, among them a
 * self-injection initialisation strategy whose set-up (the {@code Nexus} accessor) cost about 20 ms
 * of start-up, only for the agent to replace it with {@link InitializationStrategy.NoOp}. It lives
 * in Byte Buddy's package because one of the constructor's parameter types ({@code
 * RedefinitionStrategy.ResubmissionStrategy}) is only visible there.
 *
 * <p>The values equal {@code new AgentBuilder.Default(new
 * ByteBuddy().with(TypeValidation.DISABLED)).disableClassFormatChanges()} followed by {@code
 * with(...)} for the type (decoration, {@link net.bytebuddy.PerfmonDecorate}), description, initialisation and redefinition strategies, the listener,
 * the pool strategy, the three redefinition settings and the transformer decorator passed in, a
 * method graph of declared methods only, and a location strategy that holds class loaders weakly
 * ({@code LocationStrategy.ForClassLoader.WEAK}, see {@code BoundedTypePoolCache}); the others are
 * Byte Buddy's defaults.
 * The ignore matcher is set by the caller with {@code ignore(...)}.
 */
public final class PerfmonAgentBuilder extends AgentBuilder.Default {
  /** One circularity lock for every builder of the agent, as Byte Buddy's default builders share one. */
  private static final CircularityLock LOCK = dev.perfmon.instrumentation.api.AgentBuilders.CIRCULARITY_LOCK;

  public PerfmonAgentBuilder(
      Listener listener,
      PoolStrategy poolStrategy,
      RedefinitionStrategy.DiscoveryStrategy discovery,
      RedefinitionStrategy.BatchAllocator batches,
      RedefinitionStrategy.Listener redefinitionListener,
      TransformerDecorator transformerDecorator) {
    super(
        // disableClassFormatChanges(): no implementation context, so no added fields or methods.
        // Advice only changes methods the woven class declares, so the method graph need not
        // analyse inherited methods (which meant describing every super type, Object included).
        new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE),
        listener,
        LOCK,
        poolStrategy,
        // TypeStrategy.Default.DECORATE without resolving the class's annotations (PerfmonDecorate).
        net.bytebuddy.PerfmonDecorate.INSTANCE,
        // WEAK, not Byte Buddy's default STRONG: the type descriptions that BoundedTypePoolCache
        // keeps reference the class file locator they were read through. A strong locator made
        // them keep their class loader reachable (softly, i.e. until the heap filled), and with it
        // every undeployed web application's classes and metaspace.
        LocationStrategy.ForClassLoader.WEAK,
        ClassFileLocator.NoOp.INSTANCE,
        NativeMethodStrategy.Disabled.INSTANCE,
        WarmupStrategy.NoOp.INSTANCE,
        transformerDecorator,
        InitializationStrategy.NoOp.INSTANCE,
        RedefinitionStrategy.RETRANSFORMATION,
        discovery,
        batches,
        redefinitionListener,
        RedefinitionStrategy.ResubmissionStrategy.Disabled.INSTANCE,
        InjectionStrategy.UsingReflection.INSTANCE,
        LambdaInstrumentationStrategy.DISABLED,
        DescriptionStrategy.Default.POOL_FIRST,
        FallbackStrategy.ByThrowableType.ofOptionalTypes(),
        ClassFileBufferStrategy.Default.RETAINING,
        InstallationListener.NoOp.INSTANCE,
        RawMatcher.Trivial.NON_MATCHING,
        Collections.<Transformation>emptyList());
  }
}
