package dev.perfmon.instrumentation.api;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;

/**
 * A type description whose declared methods resolve their return and parameter types once.
 *
 * <p>Byte Buddy describes a class read from its class file lazily: each call of a method
 * description's {@code getReturnType()} or {@code getParameters()} resolves the types from the
 * descriptor again (new objects each time). Weaving asks for them many times per woven method: the
 * advice inliner for every return instruction, frame and exception handler it writes, for the
 * advice's methods and the woven one alike, and the method graph and the class visitor's method
 * lookup for every declared method. In a start of the large Spring Boot application that made
 * about 8,700 calls of one type-pool method for some 255 woven methods, enough for C2 to compile
 * it with 7 KB inlined (about 180 ms on a compiler thread) while the application's own methods
 * waited. Wrapped here, each method resolves its types at most once: the woven class's methods
 * when its builder is made ({@code net.bytebuddy.PerfmonDecorate}), the advice classes' when
 * their advice is parsed ({@link AgentBuilders}).
 *
 * <p>Everything else is the wrapped description's. A wrapper for a woven class lives as long as
 * its transformation; an advice class's is read by every thread that weaves it, so it resolves
 * everything before it is shared ({@link #resolvedNow}) and holds it in final fields.
 */
public final class ResolvedOnce extends TypeDescription.AbstractBase.OfSimpleType.WithDelegation {
  private final TypeDescription delegate;
  private volatile MethodList<MethodDescription.InDefinedShape> methods;

  private ResolvedOnce(TypeDescription delegate) {
    this.delegate = delegate;
  }

  /**
   * {@code type} with its declared methods' types resolved once each, on first use; for one
   * thread's use (a transformation's). Loaded types and arrays are returned as they are (their
   * descriptions are cheap, or have no declared methods).
   */
  public static TypeDescription of(TypeDescription type) {
    if (type instanceof ResolvedOnce || type instanceof TypeDescription.ForLoadedType || type.isArray() || type.isPrimitive()) {
      return type;
    }
    return new ResolvedOnce(type);
  }

  /** {@link #of}, with every declared method's types resolved now: safe to share between threads. */
  public static TypeDescription resolvedNow(TypeDescription type) {
    TypeDescription t = of(type);
    t.getDeclaredMethods();
    return t;
  }

  @Override
  protected TypeDescription delegate() {
    return delegate;
  }

  @Override
  public String getName() {
    return delegate.getName();
  }

  @Override
  public MethodList<MethodDescription.InDefinedShape> getDeclaredMethods() {
    MethodList<MethodDescription.InDefinedShape> m = methods;
    if (m == null) {
      MethodList<MethodDescription.InDefinedShape> declared = delegate.getDeclaredMethods();
      List<MethodDescription.InDefinedShape> wrapped = new ArrayList<>(declared.size());
      for (MethodDescription.InDefinedShape d : declared) {
        wrapped.add(new Method(this, d));
      }
      m = new MethodList.Explicit<>(wrapped);
      methods = m; // every field of what it holds is final: a racing thread sees it whole
    }
    return m;
  }

  /** A declared method with its return and parameter types resolved when it is made. */
  static final class Method extends MethodDescription.InDefinedShape.AbstractBase {
    private final TypeDescription declaringType;
    private final MethodDescription.InDefinedShape delegate;
    private final TypeDescription.Generic returnType;
    private final ParameterList<ParameterDescription.InDefinedShape> parameters;

    Method(TypeDescription declaringType, MethodDescription.InDefinedShape delegate) {
      this.declaringType = declaringType;
      this.delegate = delegate;
      this.returnType = delegate.getReturnType();
      ParameterList<ParameterDescription.InDefinedShape> declared = delegate.getParameters();
      List<ParameterDescription.InDefinedShape> wrapped = new ArrayList<>(declared.size());
      for (ParameterDescription.InDefinedShape p : declared) {
        wrapped.add(new Parameter(this, p));
      }
      this.parameters = new ParameterList.Explicit<>(wrapped);
    }

    @Override
    public TypeDescription getDeclaringType() {
      return declaringType;
    }

    @Override
    public TypeDescription.Generic getReturnType() {
      return returnType;
    }

    @Override
    public ParameterList<ParameterDescription.InDefinedShape> getParameters() {
      return parameters;
    }

    @Override
    public TypeList.Generic getExceptionTypes() {
      return delegate.getExceptionTypes();
    }

    @Override
    public int getModifiers() {
      return delegate.getModifiers();
    }

    @Override
    public String getInternalName() {
      return delegate.getInternalName();
    }

    @Override
    public TypeList.Generic getTypeVariables() {
      return delegate.getTypeVariables();
    }

    @Override
    public AnnotationValue<?, ?> getDefaultValue() {
      return delegate.getDefaultValue();
    }

    @Override
    public AnnotationList getDeclaredAnnotations() {
      return delegate.getDeclaredAnnotations();
    }

    @Override
    public String getGenericSignature() {
      return delegate.getGenericSignature();
    }
  }

  /** A parameter of a {@link Method}, its type resolved when it is made. */
  static final class Parameter extends ParameterDescription.InDefinedShape.AbstractBase {
    private final Method method;
    private final ParameterDescription.InDefinedShape delegate;
    private final TypeDescription.Generic type;

    Parameter(Method method, ParameterDescription.InDefinedShape delegate) {
      this.method = method;
      this.delegate = delegate;
      this.type = delegate.getType();
    }

    @Override
    public TypeDescription.Generic getType() {
      return type;
    }

    @Override
    public MethodDescription.InDefinedShape getDeclaringMethod() {
      return method;
    }

    @Override
    public int getIndex() {
      return delegate.getIndex();
    }

    @Override
    public boolean isNamed() {
      return delegate.isNamed();
    }

    @Override
    public boolean hasModifiers() {
      return delegate.hasModifiers();
    }

    @Override
    public String getName() {
      return delegate.getName();
    }

    @Override
    public int getModifiers() {
      return delegate.getModifiers();
    }

    @Override
    public AnnotationList getDeclaredAnnotations() {
      return delegate.getDeclaredAnnotations();
    }
  }
}
