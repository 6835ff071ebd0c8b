package dev.perfmon.instrumentation.api;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/** Chooses the operation id bound to {@link OperationId} parameters for one woven method. */
public interface OperationIdResolver {
  int resolve(TypeDescription type, MethodDescription method);
}
