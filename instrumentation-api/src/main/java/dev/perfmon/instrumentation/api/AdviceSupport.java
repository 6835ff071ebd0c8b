package dev.perfmon.instrumentation.api;

import dev.perfmon.bootstrap.AgentErrors;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;

/** The pieces every advice of the agent shares: the error handler and the id binding. */
public final class AdviceSupport {
  private AdviceSupport() {}

  /**
   * The exception handler of suppressed advice errors: hands the throwable to {@link
   * AgentErrors#adviceError(Throwable)} (a bootstrap class, so reachable from every class loader).
   */
  public static Advice.ExceptionHandler exceptionHandler() {
    try {
      return new Advice.ExceptionHandler.Simple(
          MethodInvocation.invoke(
              new MethodDescription.ForLoadedMethod(
                  AgentErrors.class.getMethod("adviceError", Throwable.class))));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A custom mapping that binds {@link OperationId} parameters through {@code resolver}. */
  public static Advice.WithCustomMapping withOperationIds(OperationIdResolver resolver) {
    return Advice.withCustomMapping().bind(new OperationIdFactory(resolver));
  }

  private static final class OperationIdFactory implements Advice.OffsetMapping.Factory<OperationId> {
    private final OperationIdResolver resolver;

    OperationIdFactory(OperationIdResolver resolver) {
      this.resolver = resolver;
    }

    @Override
    public Class<OperationId> getAnnotationType() {
      return OperationId.class;
    }

    @Override
    public Advice.OffsetMapping make(
        ParameterDescription.InDefinedShape target,
        AnnotationDescription.Loadable<OperationId> annotation,
        AdviceType adviceType) {
      if (!target.getType().represents(int.class)) {
        throw new IllegalStateException("@OperationId must annotate an int parameter: " + target);
      }
      return new Advice.OffsetMapping() {
        @Override
        public Target resolve(
            TypeDescription instrumentedType,
            MethodDescription instrumentedMethod,
            Assigner assigner,
            Advice.ArgumentHandler argumentHandler,
            Sort sort) {
          StackManipulation constant =
              IntegerConstant.forValue(resolver.resolve(instrumentedType, instrumentedMethod));
          return new Target.ForStackManipulation(constant);
        }
      };
    }
  }
}
