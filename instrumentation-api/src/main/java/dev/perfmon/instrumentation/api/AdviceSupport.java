package dev.perfmon.instrumentation.api;

import dev.perfmon.bootstrap.AgentErrors;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/** The pieces every advice of the agent shares: the error handler and the id binding. */
public final class AdviceSupport {
  private AdviceSupport() {}

  /**
   * The exception handler of suppressed advice errors of {@code module} (an {@link AgentErrors}
   * module index). It calls no method: it stores the throwable in the module's slots of {@link
   * AgentErrors#RING} and increments the module's {@link AgentErrors#IN_ADVICE} with field and
   * array instructions only. A handler that called a method could itself run out of stack (it runs
   * in the frame whose call just failed, typically with a {@code StackOverflowError}) and would then
   * throw out of the application's method; field and array instructions on an initialised class's
   * final arrays, with an index masked into range, cannot fail.
   *
   * <p>In Java it reads: {@code RING[m * RING_SIZE + ((int) IN_ADVICE[m] & (RING_SIZE - 1))] = t;
   * IN_ADVICE[m]++;}
   */
  public static Advice.ExceptionHandler exceptionHandler(int module) {
    if (module < 0 || module >= AgentErrors.MODULES) {
      throw new IllegalArgumentException("no such module index: " + module);
    }
    return new Advice.ExceptionHandler.Simple(new RecordSuppressed(module));
  }

  /** The bytecode of {@link #exceptionHandler(int)}; consumes the throwable on top of the stack. */
  private static final class RecordSuppressed extends StackManipulation.AbstractBase {
    private static final String OWNER = Type.getInternalName(AgentErrors.class);
    private final int module;

    RecordSuppressed(int module) {
      this.module = module;
    }

    @Override
    public Size apply(MethodVisitor mv, Implementation.Context context) {
      // [t]
      mv.visitFieldInsn(Opcodes.GETSTATIC, OWNER, "RING", "[Ljava/lang/Throwable;"); // [t, ring]
      mv.visitInsn(Opcodes.SWAP); // [ring, t]
      mv.visitFieldInsn(Opcodes.GETSTATIC, OWNER, "IN_ADVICE", "[J"); // [ring, t, counts]
      mv.visitLdcInsn(module); // [ring, t, counts, m]
      mv.visitInsn(Opcodes.LALOAD); // [ring, t, n:J]
      mv.visitInsn(Opcodes.L2I); // [ring, t, n]
      mv.visitLdcInsn(AgentErrors.RING_SIZE - 1);
      mv.visitInsn(Opcodes.IAND); // [ring, t, n & mask]
      mv.visitLdcInsn(module * AgentErrors.RING_SIZE);
      mv.visitInsn(Opcodes.IADD); // [ring, t, index]
      mv.visitInsn(Opcodes.SWAP); // [ring, index, t]
      mv.visitInsn(Opcodes.AASTORE); // []
      mv.visitFieldInsn(Opcodes.GETSTATIC, OWNER, "IN_ADVICE", "[J"); // [counts]
      mv.visitLdcInsn(module); // [counts, m]
      mv.visitInsn(Opcodes.DUP2); // [counts, m, counts, m]
      mv.visitInsn(Opcodes.LALOAD); // [counts, m, n:J]
      mv.visitInsn(Opcodes.LCONST_1);
      mv.visitInsn(Opcodes.LADD); // [counts, m, n+1:J]
      mv.visitInsn(Opcodes.LASTORE); // []
      // Relative to the stack on entry ([t]): one value consumed; at most 5 slots above it
      // ([counts, m, n:J, 1:J] after the throwable was consumed = 6 slots, entry had 1).
      return new Size(-1, 5);
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
