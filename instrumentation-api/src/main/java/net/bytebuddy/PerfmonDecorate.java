package net.bytebuddy;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.inline.DecoratingDynamicTypeBuilder;
import net.bytebuddy.dynamic.scaffold.inline.MethodNameTransformer;
import net.bytebuddy.implementation.attribute.TypeAttributeAppender;
import net.bytebuddy.utility.JavaModule;

/**
 * The agent's type strategy: Byte Buddy's {@code TypeStrategy.Default.DECORATE} (the class is
 * only decorated: advice in the bodies of methods it declares, nothing added), without resolving
 * the class's annotations first.
 *
 * <p>{@code ByteBuddy.decorate} gives its builder a type-attribute appender that first counts the
 * class's annotations, type variables and interfaces ({@code
 * TypeAttributeAppender.ForInstrumentedType.Differentiating}), so that it later writes only the
 * ones a transformation added. Counting the annotations means resolving each annotation type: a
 * class file read through the class's loader per annotation (in a Spring Boot fat jar, a search
 * of its nested jars). For an application's own Spring-annotated classes woven for {@code
 * methods=} that was about a sixth of the agent's time on the loading thread. Advice adds no
 * annotation, type variable or interface, so that appender writes nothing; the class's own
 * attributes are copied from its class file as they are (annotation retention stays on). This
 * builder gets the appender that writes nothing without counting. Everything else is what {@code
 * decorate} passes: this class lives in Byte Buddy's package to read the settings of the {@link
 * ByteBuddy} it is given.
 */
public enum PerfmonDecorate implements AgentBuilder.TypeStrategy {
  INSTANCE;

  @Override
  public DynamicType.Builder<?> builder(
      TypeDescription typeDescription,
      ByteBuddy byteBuddy,
      ClassFileLocator classFileLocator,
      MethodNameTransformer methodNameTransformer,
      ClassLoader classLoader,
      JavaModule module,
      ProtectionDomain protectionDomain) {
    return decorate(byteBuddy, typeDescription, classFileLocator);
  }

  /** {@code byteBuddy.decorate(type, locator)}, with the appender that writes nothing. */
  public static DynamicType.Builder<?> decorate(ByteBuddy byteBuddy, TypeDescription type, ClassFileLocator locator) {
    if (type.isArray() || type.isPrimitive()) {
      throw new IllegalArgumentException("Cannot decorate array or primitive type: " + type);
    }
    // Its methods' types resolved once each, not at every question of the weaving (ResolvedOnce).
    return new Builder(byteBuddy, dev.perfmon.instrumentation.api.ResolvedOnce.of(type), locator);
  }

  /** The first builder; the ones its methods return are Byte Buddy's own, with the same appender. */
  private static final class Builder extends DecoratingDynamicTypeBuilder<Object> {
    Builder(ByteBuddy b, TypeDescription type, ClassFileLocator locator) {
      super(
          type,
          TypeAttributeAppender.NoOp.INSTANCE,
          net.bytebuddy.asm.AsmVisitorWrapper.NoOp.INSTANCE,
          b.classFileVersion,
          b.auxiliaryTypeNamingStrategy,
          b.annotationValueFilterFactory,
          b.annotationRetention,
          b.implementationContextFactory,
          b.methodGraphCompiler,
          b.typeValidation,
          b.classReaderFactory,
          b.classWriterFactory,
          b.ignoredMethods,
          java.util.Collections.<DynamicType>emptyList(),
          locator);
    }
  }
}
