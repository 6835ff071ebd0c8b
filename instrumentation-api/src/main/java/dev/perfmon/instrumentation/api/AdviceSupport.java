package dev.perfmon.instrumentation.api;

import dev.perfmon.bootstrap.AgentErrors;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.implementation.bytecode.Addition;
import net.bytebuddy.implementation.bytecode.Duplication;
import net.bytebuddy.implementation.bytecode.Removal;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.constant.LongConstant;
import net.bytebuddy.implementation.bytecode.member.FieldAccess;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/** The pieces every advice of the agent shares: the error handler and the id binding. */
public final class AdviceSupport {
  private AdviceSupport() {}

  /**
   * The exception handler of suppressed advice errors. It calls no method: it stores the
   * throwable in {@link AgentErrors#latest} and increments {@link AgentErrors#inAdvice} with field
   * instructions only. A handler that called a method could itself run out of stack (it runs in the
   * frame whose call just failed, typically with a {@code StackOverflowError}) and would then throw
   * out of the application's method; field instructions on an initialised class cannot fail.
   */
  public static Advice.ExceptionHandler exceptionHandler() {
    try {
      FieldDescription latest =
          new FieldDescription.ForLoadedField(AgentErrors.class.getField("latest"));
      FieldDescription count =
          new FieldDescription.ForLoadedField(AgentErrors.class.getField("inAdvice"));
      return new Advice.ExceptionHandler.Simple(
          new StackManipulation.Compound(
              Duplication.SINGLE,
              FieldAccess.forField(latest).write(),
              FieldAccess.forField(count).read(),
              LongConstant.ONE,
              Addition.LONG,
              FieldAccess.forField(count).write(),
              Removal.SINGLE));
    } catch (NoSuchFieldException e) {
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
