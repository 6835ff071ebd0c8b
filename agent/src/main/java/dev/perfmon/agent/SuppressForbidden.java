package dev.perfmon.agent;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a deliberate use of an API that the forbidden-apis check ({@code build/forbidden-apis/})
 * rejects elsewhere; a comment next to it says why. The check recognises any annotation of this
 * simple name.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {}
