package dev.perfmon.instrumentation.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an {@code int} parameter of an advice method that receives the operation id of the
 * instrumented method as a constant, resolved once when the type is transformed (see {@link
 * OperationIdResolver}). The woven code then indexes the recorder table directly: no map look-up
 * on the call path.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OperationId {}
