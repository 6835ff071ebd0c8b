package dev.perfmon.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.perfmon.config.MethodPattern;
import dev.perfmon.instrumentation.api.AdviceSupport;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.ClassFileTest;
import dev.perfmon.instrumentation.api.ClassHeader;
import dev.perfmon.instrumentation.api.Operations;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import dev.perfmon.instrumentation.api.TooLargeMethods;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Weaves {@link MethodAdvice} into the methods that the user listed in {@code methods} (patterns)
 * and {@code annotations}. Each woven method gets its operation id as a constant; the name is the
 * pattern's explicit {@code =name}, else the tracking annotation's non-empty {@code value()}, else
 * {@code <fully.qualified.Class>.<method>} (overloads share one operation).
 *
 * <p>JDK classes and the agent's own are never matched. Abstract, native, synthetic and bridge
 * methods and static initialisers are never woven, nor is a method that the advice would make too
 * large for the JVM ({@link TooLargeMethods}): the class's other methods are woven, and the
 * coverage lists it as skipped.
 */
public final class MethodInstrumentation {
  private final List<MethodPattern> patterns;
  private final List<String> annotations;
  private final Coverage coverage;
  private final java.util.function.ToDoubleFunction<String> sampleRates;
  private final Operations operations;
  private volatile Advice.WithCustomMapping mapping;
  /** Each advice class is read (parsed) when first needed, which keeps it out of start-up. */
  private final java.util.Map<Class<?>, Advice> advices = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * The coverage of the class this thread is transforming, until Byte Buddy says how it went. Per
   * instance, not static: a reconfiguration installs a new instance with its own coverage, and a
   * batch must reach the coverage of the instance that made it.
   */
  @SuppressWarnings("ThreadLocalUsage")
  private final ThreadLocal<Coverage.Batch> pending = new ThreadLocal<>();

  /** What chose a method: the pattern (or annotation) and the operation name. */
  record Match(String source, String operation) {}

  /**
   * @param sampleRates the share of calls to time per operation name ({@code sample.<glob>}); 1
   *     for operations that are not sampled
   */
  public MethodInstrumentation(
      List<MethodPattern> patterns,
      List<String> annotations,
      Operations operations,
      Coverage coverage,
      java.util.function.ToDoubleFunction<String> sampleRates) {
    this.patterns = List.copyOf(patterns);
    this.annotations = List.copyOf(annotations);
    this.coverage = coverage;
    this.sampleRates = sampleRates;
    this.operations = operations;
  }

  /**
   * The advice mapping that binds each woven method's operation id, made at the first weave: it
   * loads Byte Buddy's advice classes, which an application without a matching class never needs.
   */
  private Advice.WithCustomMapping mapping() {
    Advice.WithCustomMapping m = mapping;
    if (m == null) {
      synchronized (this) {
        m = mapping;
        if (m == null) {
          m =
              AdviceSupport.withOperationIds(
                  new dev.perfmon.instrumentation.api.OperationIdResolver() { // not a lambda: see below
                    @Override
                    public int resolve(TypeDescription type, MethodDescription method) {
                      return operationId(type, method);
                    }
                  });
          mapping = m;
        }
      }
    }
    return m;
  }

  private int operationId(TypeDescription type, MethodDescription method) {
    Match m = match(type, method);
    if (m == null) {
      return operations.idOf(Operations.OVERFLOW);
    }
    int id = operations.idOf(m.operation());
    double rate = sampleRates.applyAsDouble(m.operation());
    if (rate < 1) {
      dev.perfmon.bootstrap.OperationRecorder r = dev.perfmon.bootstrap.Recorders.get(id);
      if (r != null) {
        r.setSampleRate(rate);
      }
      operations.describe(id, "sampleRate", Double.toString(rate));
    }
    return id;
  }

  private Advice advice(Class<?> adviceClass) {
    Advice a = advices.get(adviceClass); // no lambda (computeIfAbsent): see below
    if (a == null) {
      a = mapping().to(adviceClass).withExceptionHandler(AdviceSupport.exceptionHandler(dev.perfmon.bootstrap.AgentErrors.METHODS));
      Advice had = advices.putIfAbsent(adviceClass, a);
      if (had != null) {
        a = had;
      }
    }
    return a;
  }

  public boolean isEmpty() {
    return patterns.isEmpty() && annotations.isEmpty();
  }

  /** Adds the transformation to {@code builder} (unchanged when nothing is configured). */
  public AgentBuilder install(AgentBuilder builder) {
    if (isEmpty()) {
      return builder;
    }
    return builder
        .with(new CoverageCommit())
        .type(rawMatcher())
        .transform(
            new AgentBuilder.Transformer() { // not a lambda: see below
              @Override
              public net.bytebuddy.dynamic.DynamicType.Builder<?> transform(
                  net.bytebuddy.dynamic.DynamicType.Builder<?> builder,
                  TypeDescription type,
                  ClassLoader loader,
                  net.bytebuddy.utility.JavaModule module,
                  java.security.ProtectionDomain domain) {
                return MethodInstrumentation.this.transform(builder, type);
              }
            });
  }

  /** The raw matcher {@link #install} gives Byte Buddy (for the class-file pre-test); none when empty. */
  public List<AgentBuilder.RawMatcher> rawMatchers() {
    return isEmpty() ? List.of() : List.of(rawMatcher());
  }

  private AgentBuilder.RawMatcher rawMatcher() {
    return AgentBuilders.matcher(typeMatcher(), ElementMatchers.any(), classFileTest());
  }

  /** The advice of the methods of {@code type} that the patterns select, on {@code builder}. */
  private net.bytebuddy.dynamic.DynamicType.Builder<?> transform(
      net.bytebuddy.dynamic.DynamicType.Builder<?> builder, TypeDescription type) {
    boolean methods = false;
    boolean sampled = false;
    boolean constructors = false;
    // Empty unless this is a retry without the methods that advice made too large.
    List<TooLargeMethods.Skipped> tooLarge = TooLargeMethods.excludedIn(type);
    Coverage.Batch batch = new Coverage.Batch(type.getName());
    for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
      Match match = match(type, m);
      if (match != null) {
        TooLargeMethods.Skipped skip = find(tooLarge, m);
        if (skip != null) {
          batch.skipped(
              match.source(), new Coverage.Skip(skip.label(), TooLargeMethods.REASON, skip.wovenCodeBytes()));
          continue;
        }
        batch.matched(match.source(), m.getInternalName());
        if (m.isConstructor()) {
          constructors = true;
        } else if (isSampled(match)) {
          sampled = true;
        } else {
          methods = true;
        }
      }
    }
    // Recorded in the coverage once the class is woven (onTransformation), not before: a
    // transformation can still fail, and then nothing of this class is instrumented.
    pending.set(batch);
    if (methods) {
      builder = builder.visit(advice(MethodAdvice.class).on(new Selected(type, tooLarge, Selected.TIMED)));
    }
    if (sampled) {
      builder = builder.visit(advice(MethodAdvice.Sampled.class).on(new Selected(type, tooLarge, Selected.SAMPLED)));
    }
    if (constructors) {
      builder =
          builder.visit(advice(MethodAdvice.ForConstructor.class).on(new Selected(type, tooLarge, Selected.CONSTRUCTORS)));
    }
    return builder;
  }

  /**
   * The methods of {@code type} that one of the three advices goes on: selected by a pattern and
   * not too large, and of its kind (methods timed on every call, sampled methods, constructors).
   * Weaving spins no lambda (like the agent's transformer: see the package-info of {@code
   * dev.perfmon.instrumentation.api}), so this is a class of its own.
   */
  private final class Selected extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
    static final int TIMED = 0;
    static final int SAMPLED = 1;
    static final int CONSTRUCTORS = 2;

    private final TypeDescription type;
    private final List<TooLargeMethods.Skipped> tooLarge;
    private final int kind;

    Selected(TypeDescription type, List<TooLargeMethods.Skipped> tooLarge, int kind) {
      this.type = type;
      this.tooLarge = tooLarge;
      this.kind = kind;
    }

    @Override
    public boolean matches(MethodDescription md) {
      if (kind == CONSTRUCTORS ? !md.isConstructor() : !md.isMethod()) {
        return false;
      }
      Match m = match(type, md);
      if (m == null || (!tooLarge.isEmpty() && find(tooLarge, md) != null)) {
        return false;
      }
      return kind == CONSTRUCTORS || (kind == SAMPLED) == isSampled(m);
    }
  }

  private static TooLargeMethods.Skipped find(List<TooLargeMethods.Skipped> skipped, MethodDescription m) {
    for (TooLargeMethods.Skipped s : skipped) {
      if (s.is(m)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Commits a class's {@link Coverage.Batch} when Byte Buddy produced its woven class file, drops it
   * when the class is done either way. Called on the transforming thread, after {@link #transform}.
   */
  private final class CoverageCommit extends AgentBuilder.Listener.Adapter {
    @Override
    public void onTransformation(
        TypeDescription type,
        ClassLoader loader,
        net.bytebuddy.utility.JavaModule module,
        boolean loaded,
        net.bytebuddy.dynamic.DynamicType dynamicType) {
      Coverage.Batch batch = pending.get();
      if (batch != null && batch.className().equals(type.getName())) {
        pending.remove();
        coverage.commit(batch);
      }
    }

    @Override
    public void onComplete(
        String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module, boolean loaded) {
      pending.remove();
    }
  }

  private boolean isSampled(Match m) {
    return m != null && sampleRates.applyAsDouble(m.operation()) < 1;
  }

  ElementMatcher<TypeDescription> typeMatcher() {
    return new ElementMatcher<TypeDescription>() { // not a lambda: see Selected
      @Override
      public boolean matches(TypeDescription type) {
        String name = type.getName();
        if (MethodPattern.excludedClassName(name) || type.isAnnotation()) {
          return false;
        }
        for (MethodPattern p : patterns) {
          if (typeMatches(p, type)) {
            return true;
          }
        }
        if (!annotations.isEmpty()) {
          for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
            if (annotationOf(m) != null) {
              return true;
            }
          }
        }
        return false;
      }
    };
  }

  /**
   * {@link #typeMatcher()}'s test on the class file, so that Byte Buddy describes only the classes
   * that can hold a listed method: the name patterns on the class's name, the subtype patterns by
   * a walk of the class file headers of its super types, the annotation patterns and {@code
   * annotations} by the annotation type's descriptor in the constant pool (an annotated class or
   * method names it there).
   */
  ClassFileTest classFileTest() {
    List<MethodPattern> byName = new java.util.ArrayList<>();
    java.util.Map<String, Integer> bases = new java.util.HashMap<>();
    boolean jdkBase = false;
    List<byte[]> descriptors = new java.util.ArrayList<>();
    for (MethodPattern p : patterns) {
      if (p.isAnnotationPattern()) {
        descriptors.add(descriptor(p.annotationName()));
      } else if (p.isSubtypePattern()) {
        if (bases.size() < 31) {
          bases.putIfAbsent(p.baseTypeName(), 1 << bases.size());
        } else {
          return ClassFileTest.ANY; // more base types than mask bits: Byte Buddy decides
        }
        jdkBase |= MethodPattern.excludedClassName(p.baseTypeName()) || p.baseTypeName().startsWith("javax.");
      } else {
        byName.add(p);
      }
    }
    for (String a : annotations) {
      descriptors.add(descriptor(a));
    }
    // A JDK type can only have JDK super types: not walked into unless a base type is the JDK's.
    SuperTypeMask subtypes =
        bases.isEmpty()
            ? null
            : new SuperTypeMask(bases, jdkBase ? new String[0] : new String[] {"java.", "jdk."}, new String[0]);
    return new ClassFileTest() { // not a lambda: see Selected
      @Override
      public boolean mayMatch(ClassHeader header, ClassLoader loader) {
        String name = header.className();
        if (MethodPattern.excludedClassName(name) || header.isAnnotation()) {
          return false;
        }
        for (MethodPattern p : byName) {
          if (p.couldMatchClassName(name) && p.classMatches(name)) {
            return true;
          }
        }
        if (subtypes != null && (bases.containsKey(name) || subtypes.mask(header, loader) != 0)) {
          return true;
        }
        for (byte[] d : descriptors) {
          if (header.hasUtf8(d)) {
            return true;
          }
        }
        return false;
      }
    };
  }

  /** The class-file descriptor of a type, as the constant pool holds it ({@code Lcom/x/Timed;}). */
  private static byte[] descriptor(String typeName) {
    return ClassHeader.utf8("L" + typeName.replace('.', '/') + ";");
  }

  static boolean typeMatches(MethodPattern p, TypeDescription type) {
    String name = type.getName();
    if (p.isAnnotationPattern()) {
      for (AnnotationDescription a : type.getDeclaredAnnotations()) {
        if (a.getAnnotationType().getName().equals(p.annotationName())) {
          return true;
        }
      }
      return false;
    }
    if (p.isSubtypePattern()) {
      if (name.equals(p.baseTypeName())) {
        return true;
      }
      try {
        return hasSuperType(named(p.baseTypeName())).matches(type);
      } catch (RuntimeException unresolvable) {
        return false; // a supertype is not on the class path: cannot be a subtype we know
      }
    }
    return p.couldMatchClassName(name) && p.classMatches(name);
  }

  /** The pattern or annotation that selects {@code method} of {@code type}, or null. */
  Match match(TypeDescription type, MethodDescription method) {
    if (!eligible(method)) {
      return null;
    }
    String defaultName = type.getName() + "." + method.getInternalName();
    for (MethodPattern p : patterns) {
      if (!methodMatches(p, method) || !typeMatches(p, type)) {
        continue;
      }
      String explicit = p.operationName();
      return new Match(p.text(), explicit != null ? explicit : defaultName);
    }
    if (!annotations.isEmpty()) {
      AnnotationDescription a = annotationOf(method);
      if (a != null) {
        String value = stringValue(a);
        return new Match(
            "@" + a.getAnnotationType().getName(), value != null ? value : defaultName);
      }
    }
    return null;
  }

  private static boolean eligible(MethodDescription m) {
    return !m.isAbstract()
        && !m.isNative()
        && !m.isSynthetic()
        && !m.isBridge()
        && !m.isTypeInitializer();
  }

  private static boolean methodMatches(MethodPattern p, MethodDescription m) {
    if (m.isConstructor()) {
      if (!p.matchesConstructors()) {
        return false;
      }
    } else if (!p.methodMatches(m.getName())) {
      return false;
    }
    List<String> params = p.parameterTypes();
    if (params == null) {
      return true;
    }
    TypeList types = m.getParameters().asTypeList().asErasures();
    if (types.size() != params.size()) {
      return false;
    }
    for (int i = 0; i < params.size(); i++) {
      TypeDefinition t = types.get(i);
      if (!t.asErasure().getActualName().equals(params.get(i))) {
        return false;
      }
    }
    return true;
  }

  private AnnotationDescription annotationOf(MethodDescription m) {
    for (AnnotationDescription a : m.getDeclaredAnnotations()) {
      if (annotations.contains(a.getAnnotationType().getName())) {
        return a;
      }
    }
    return null;
  }

  /** The annotation's {@code String value()} when it has one and it is not empty. */
  private static String stringValue(AnnotationDescription a) {
    for (MethodDescription.InDefinedShape property : a.getAnnotationType().getDeclaredMethods()) {
      if (property.getName().equals("value")
          && property.getReturnType().asErasure().represents(String.class)) {
        Object v = a.getValue(property).resolve();
        if (v instanceof String s && !s.isEmpty()) {
          return s;
        }
      }
    }
    return null;
  }
}
