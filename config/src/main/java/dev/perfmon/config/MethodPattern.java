package dev.perfmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One parsed entry of the {@code methods} key: which classes and methods to time, and optionally
 * under which operation name. Immutable and thread-safe.
 *
 * <h2>Grammar</h2>
 *
 * <pre>
 *   [+|@]ClassPattern[#MethodPattern[(ParamTypes)]][=operation.name]
 * </pre>
 *
 * <ul>
 *   <li><b>ClassPattern</b>: a fully qualified binary class name (nested classes with {@code $}),
 *       with {@link Globs} wildcards: {@code *} matches any run including dots, so {@code
 *       com.example.service.*} covers sub-packages too.
 *   <li><b>{@code +}</b> in front: the named type and every subtype (implementations and
 *       subclasses). The name must be exact. It may be a JDK type ({@code +java.lang.Runnable#run}
 *       times the application's implementations), since the matched classes are never JDK classes.
 *   <li><b>{@code @}</b> in front: the classes annotated with that (exact) annotation type.
 *   <li><b>MethodPattern</b>: a method name with wildcards, or {@code <init>} for constructors.
 *       Omitted: every method the class declares, except constructors, static initialisers and
 *       synthetic or bridge methods. A wildcard never matches constructors: ask for {@code
 *       <init>}.
 *   <li><b>ParamTypes</b>: exact, comma-separated parameter type names as in source, with binary
 *       names for nested types: {@code (java.lang.String,int[])}; {@code ()} is no parameter;
 *       {@code (..)} or no parentheses is any parameters. {@code T...} is read as {@code T[]}.
 *   <li><b>{@code =operation.name}</b>: the name the timings are recorded under, instead of the
 *       agent's default name.
 * </ul>
 *
 * <p>Classes in {@code java.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*} and the agent's
 * own packages are never matched ({@link #excludedClassName}): timing them would
 * either recurse into the agent or slow down the whole JVM. A pattern that could only name such
 * classes is rejected when parsed.
 *
 * <h2>Use from the agent</h2>
 *
 * <p>The model is built so that Byte Buddy matchers need no regex and little work per class:
 * {@link #couldMatchClassName} is a {@code startsWith} check to put in front of everything, {@link
 * #classMatches} the full name check; for {@link #isSubtypePattern()} add a {@code
 * hasSuperType(named(baseTypeName()))} check, for {@link #isAnnotationPattern()} an {@code
 * isAnnotatedWith(named(annotationName()))}. For methods: {@link #methodMatches} on the internal
 * name ({@code <init>} for constructors) and, when {@link #parameterTypes()} is not null, the
 * erasures' {@code getActualName()} in order; the agent adds {@code not(isSynthetic())}, {@code
 * not(isBridge())} and {@code not(isAbstract())} itself, because those need the method
 * description.
 */
public final class MethodPattern {
  /** The grammar, for error messages. */
  static final String EXPECTED_FORM =
      "[+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g. com.example.UserService#getUser"
          + " or com.example.repo.*#find*";

  private static final String[] EXCLUDED_PREFIXES = {
    "java.",
    "jdk.",
    "sun.",
    "com.sun.",
    "dev.perfmon.agent.",
    "dev.perfmon.bootstrap.",
    "dev.perfmon.config.",
    "dev.perfmon.instrumentation.",
    "dev.perfmon.shaded."
  };

  /** How the agent's own packages are named in messages. */
  static final String AGENT_PACKAGES =
      "dev.perfmon.{agent,bootstrap,config,instrumentation,shaded}.*";

  private final String text;
  private final char kind; // ' ' name pattern, '+' subtype pattern, '@' annotation pattern
  private final String classPart;
  private final String classPrefix;
  /** The class part has a wildcard: generated classes are not matched ({@link #classMatches}). */
  private final boolean wildcardClass;

  private final String methodGlob; // null: every declared method
  private final List<String> parameterTypes; // null: any
  private final String operationName; // null: the agent's default

  private MethodPattern(
      String text,
      char kind,
      String classPart,
      String methodGlob,
      List<String> parameterTypes,
      String operationName) {
    this.text = text;
    this.kind = kind;
    this.classPart = classPart;
    this.classPrefix = kind == ' ' ? Globs.literalPrefix(classPart) : "";
    this.wildcardClass = classPart.indexOf('*') >= 0 || classPart.indexOf('?') >= 0;
    this.methodGlob = methodGlob;
    this.parameterTypes = parameterTypes;
    this.operationName = operationName;
  }

  /**
   * Parses one pattern (surrounding blanks ignored).
   *
   * @throws IllegalArgumentException with the reason it is malformed (without the pattern itself
   *     or the expected form; {@link MethodPatterns} adds those)
   */
  public static MethodPattern parse(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty pattern");
    }
    String head = t;
    String operation = null;
    int eq = t.indexOf('=');
    if (eq >= 0) {
      head = t.substring(0, eq).trim();
      operation = t.substring(eq + 1).trim();
      if (operation.isEmpty()) {
        throw new IllegalArgumentException("no operation name after '='");
      }
      if (hasWhitespace(operation)) {
        throw new IllegalArgumentException("whitespace in the operation name '" + operation + "'");
      }
    }
    String params = null;
    int open = head.indexOf('(');
    if (open >= 0) {
      int close = head.indexOf(')', open);
      if (close < 0) {
        throw new IllegalArgumentException("'(' without a closing ')'");
      }
      if (close != head.length() - 1) {
        throw new IllegalArgumentException("text after ')'");
      }
      params = head.substring(open + 1, close);
      head = head.substring(0, open);
    } else if (head.indexOf(')') >= 0) {
      throw new IllegalArgumentException("')' without an opening '('");
    }
    if (hasWhitespace(head)) {
      throw new IllegalArgumentException("whitespace inside a name");
    }
    char kind = ' ';
    if (head.startsWith("+") || head.startsWith("@")) {
      kind = head.charAt(0);
      head = head.substring(1);
    }
    String classPart = head;
    String methodGlob = null;
    int hash = head.indexOf('#');
    if (hash >= 0) {
      if (head.indexOf('#', hash + 1) >= 0) {
        throw new IllegalArgumentException("more than one '#'");
      }
      classPart = head.substring(0, hash);
      methodGlob = head.substring(hash + 1);
      if (methodGlob.isEmpty()) {
        throw new IllegalArgumentException("no method name after '#'");
      }
    } else if (params != null) {
      throw new IllegalArgumentException("parameter types without '#method' before them");
    }
    if (classPart.isEmpty()) {
      throw new IllegalArgumentException(
          kind == ' ' ? "no class name" + (hash >= 0 ? " before '#'" : "") : "no type name after '" + kind + "'");
    }
    boolean exact = kind != ' ';
    String problem = checkQualifiedName(classPart, !exact);
    if (problem != null) {
      if (exact && problem.startsWith("wildcard")) {
        throw new IllegalArgumentException(
            kind == '+'
                ? "a '+' (subtype) pattern needs an exact type name, without '*' or '?'"
                : "an '@' (annotation) pattern needs an exact annotation type name, without '*' or"
                    + " '?'");
      }
      throw new IllegalArgumentException(problem + " in the class name '" + classPart + "'");
    }
    if (kind == ' ' && excludedPattern(classPart)) {
      throw new IllegalArgumentException(
          "classes in java.*, jdk.*, sun.*, com.sun.* and the agent's own "
              + AGENT_PACKAGES
              + " are never instrumented");
    }
    if (kind != ' ' && excludedClassName(classPart) && classPart.startsWith("dev.perfmon.")) {
      throw new IllegalArgumentException(
          "the agent's own types (" + AGENT_PACKAGES + ") are never instrumented");
    }
    if (methodGlob != null) {
      checkMethodName(methodGlob);
    }
    List<String> types = params == null ? null : parseParameterTypes(params);
    return new MethodPattern(t, kind, classPart, methodGlob, types, operation);
  }

  private static void checkMethodName(String m) {
    if (m.equals("<init>")) {
      return;
    }
    if (m.equals("<clinit>")) {
      throw new IllegalArgumentException("static initialisers (<clinit>) cannot be timed");
    }
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      boolean ok =
          c == '*'
              || c == '?'
              || (i == 0 ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c));
      if (!ok) {
        throw new IllegalArgumentException(
            "invalid character '"
                + c
                + "' in the method name '"
                + m
                + "' (use <init> for constructors)");
      }
    }
  }

  private static List<String> parseParameterTypes(String params) {
    String p = params.trim();
    if (p.equals("..")) {
      return null;
    }
    if (p.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start <= p.length()) {
      int comma = p.indexOf(',', start);
      int end = comma < 0 ? p.length() : comma;
      String type = p.substring(start, end).trim();
      start = end + 1;
      if (type.isEmpty()) {
        throw new IllegalArgumentException("empty parameter type in '(" + params + ")'");
      }
      if (type.endsWith("...")) {
        type = type.substring(0, type.length() - 3) + "[]";
      }
      String element = type;
      while (element.endsWith("[]")) {
        element = element.substring(0, element.length() - 2);
      }
      String problem = element.isEmpty() ? "no type" : checkQualifiedName(element, false);
      if (problem != null || hasWhitespace(type)) {
        throw new IllegalArgumentException(
            "invalid parameter type '"
                + type
                + "': expected a type name such as int, java.lang.String or byte[]");
      }
      out.add(type);
    }
    return Collections.unmodifiableList(out);
  }

  /** Null when {@code name} is a dotted Java name (optionally with wildcards), else the reason. */
  private static String checkQualifiedName(String name, boolean wildcards) {
    boolean segmentStart = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '*' || c == '?') {
        if (!wildcards) {
          return "wildcard '" + c + "'";
        }
        segmentStart = false;
      } else if (c == '.') {
        if (segmentStart) {
          return "empty package or class name";
        }
        segmentStart = true;
      } else if (segmentStart ? Character.isJavaIdentifierStart(c) : Character.isJavaIdentifierPart(c)) {
        segmentStart = false;
      } else {
        return "invalid character '" + c + "'";
      }
    }
    if (segmentStart) {
      return "empty package or class name";
    }
    return null;
  }

  private static boolean hasWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A name pattern is rejected when every class it can match is excluded: its literal prefix
   * already lies in an excluded package ({@code java.util.*}), or names one exactly ({@code
   * java.lang.String}). {@code java*} stays valid: it may mean {@code javax.}, and the excluded
   * classes are filtered out when matching anyway.
   */
  private static boolean excludedPattern(String classGlob) {
    return excludedClassName(Globs.literalPrefix(classGlob));
  }

  /**
   * Whether a class of this name is never instrumented: JDK classes ({@code java.}, {@code jdk.},
   * {@code sun.}, {@code com.sun.}) and the agent's own packages ({@code dev.perfmon.agent},
   * {@code .bootstrap}, {@code .config}, {@code .instrumentation}, and the relocated dependencies
   * under {@code .shaded}). Other {@code dev.perfmon} code, such as the demo, can be tracked.
   */
  public static boolean excludedClassName(String fqcn) {
    for (String prefix : EXCLUDED_PREFIXES) {
      if (fqcn.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Cheap pre-filter on the class name alone, for the front of a type matcher: false means the
   * class cannot match. For name patterns it checks the literal prefix before the first wildcard
   * (so {@code com.example.repo.*} costs one {@code startsWith}); for subtype and annotation
   * patterns only the exclusions (the hierarchy or annotation must then be checked).
   */
  public boolean couldMatchClassName(String fqcn) {
    return fqcn.startsWith(classPrefix) && !excludedClassName(fqcn);
  }

  /**
   * Whether the class name satisfies the pattern's name part. For name patterns: the glob matches
   * and the class is not excluded. For subtype and annotation patterns the name alone decides
   * nothing, so this is only "not excluded"; the caller checks {@link #baseTypeName()} or {@link
   * #annotationName()} against the type description.
   */
  public boolean classMatches(String fqcn) {
    if (!couldMatchClassName(fqcn)) {
      return false;
    }
    if (kind != ' ') {
      return true;
    }
    return Globs.matches(classPart, fqcn) && (!wildcardClass || !generatedClassName(fqcn));
  }

  /**
   * Markers in the names of classes that proxy libraries generate at run time: Spring's and
   * CGLIB's subclass proxies, Hibernate's entity proxies and instantiators, Byte Buddy's and
   * Javassist's generated types. Such a class delegates to the class it was made for, whose
   * methods a pattern that matches both already times.
   */
  private static final String[] GENERATED_MARKERS = {
    "$$SpringCGLIB$$",
    "$$EnhancerBy",
    "$$FastClassBy",
    "$HibernateProxy",
    "$HibernateInstantiator",
    "$HibernateAccessOptimizer",
    "$ByteBuddy$",
    "$$_javassist",
    "_$$_jvst",
  };

  /**
   * True for a class that a proxy library or the JDK generated at run time ({@link
   * #GENERATED_MARKERS}, or a JDK dynamic proxy, {@code $Proxy} and a number, defined in the
   * package of a non-public interface). A name pattern with a wildcard does not match them (they
   * would time the same call twice, under a generated name); one that names such a class exactly,
   * and the subtype and annotation patterns, still do.
   */
  public static boolean generatedClassName(String fqcn) {
    for (String marker : GENERATED_MARKERS) {
      if (fqcn.contains(marker)) {
        return true;
      }
    }
    int dollar = fqcn.lastIndexOf("$Proxy");
    if (dollar >= 0 && (dollar == 0 || fqcn.charAt(dollar - 1) == '.') && dollar + 6 < fqcn.length()) {
      for (int i = dollar + 6; i < fqcn.length(); i++) {
        if (!Character.isDigit(fqcn.charAt(i))) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Whether the method name (internal form: {@code <init>} for constructors) matches. */
  public boolean methodMatches(String name) {
    if (methodGlob == null) {
      return !name.startsWith("<"); // every declared method, but no constructor or <clinit>
    }
    if (methodGlob.equals("<init>")) {
      return name.equals("<init>");
    }
    return !name.startsWith("<") && Globs.matches(methodGlob, name);
  }

  /** Whether this pattern selects constructors ({@code #<init>}) rather than methods. */
  public boolean matchesConstructors() {
    return "<init>".equals(methodGlob);
  }

  /** {@code +Type}: the named type and all its subtypes. */
  public boolean isSubtypePattern() {
    return kind == '+';
  }

  /** {@code @Annotation}: classes annotated with that annotation type. */
  public boolean isAnnotationPattern() {
    return kind == '@';
  }

  /** The exact type name of a subtype pattern; null for other patterns. */
  public String baseTypeName() {
    return kind == '+' ? classPart : null;
  }

  /** The annotation type name of an annotation pattern; null for other patterns. */
  public String annotationName() {
    return kind == '@' ? classPart : null;
  }

  /** The class name glob of a name pattern ({@code com.example.repo.*}); null for other patterns. */
  public String classPattern() {
    return kind == ' ' ? classPart : null;
  }

  /** The method name glob, {@code <init>}, or null when every declared method is meant. */
  public String methodPattern() {
    return methodGlob;
  }

  /**
   * The exact parameter type names ({@code int}, {@code java.lang.String}, {@code byte[]}, {@code
   * com.example.Outer$Inner}), or null for any parameters. Compare with Byte Buddy's {@code
   * getType().asErasure().getActualName()}.
   */
  public List<String> parameterTypes() {
    return parameterTypes;
  }

  /** The explicit operation name after {@code =}, or null (the agent names the operation). */
  public String operationName() {
    return operationName;
  }

  /** The pattern as written (trimmed), for messages and the coverage report. */
  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MethodPattern other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
