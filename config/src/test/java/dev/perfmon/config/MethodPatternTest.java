package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MethodPatternTest {

  @Test
  void exactClassAndMethod() {
    MethodPattern p = MethodPattern.parse("com.example.UserService#getUser");
    assertThat(p.classPattern()).isEqualTo("com.example.UserService");
    assertThat(p.classMatches("com.example.UserService")).isTrue();
    assertThat(p.classMatches("com.example.UserServiceImpl")).isFalse();
    assertThat(p.methodMatches("getUser")).isTrue();
    assertThat(p.methodMatches("getUsers")).isFalse();
    assertThat(p.methodMatches("<init>")).isFalse();
    assertThat(p.isSubtypePattern()).isFalse();
    assertThat(p.isAnnotationPattern()).isFalse();
    assertThat(p.baseTypeName()).isNull();
    assertThat(p.annotationName()).isNull();
    assertThat(p.parameterTypes()).isNull();
    assertThat(p.operationName()).isNull();
    assertThat(p.matchesConstructors()).isFalse();
    assertThat(p.text()).isEqualTo("com.example.UserService#getUser");
  }

  @Test
  void packageWildcardCoversSubpackagesAndMethodWildcard() {
    MethodPattern p = MethodPattern.parse("com.example.repo.*#find*");
    assertThat(p.classMatches("com.example.repo.UserRepo")).isTrue();
    assertThat(p.classMatches("com.example.repo.jpa.OrderRepo")).isTrue();
    assertThat(p.classMatches("com.example.other.UserRepo")).isFalse();
    assertThat(p.couldMatchClassName("com.example.repo.X")).isTrue();
    assertThat(p.couldMatchClassName("org.other.X")).isFalse();
    assertThat(p.methodMatches("findById")).isTrue();
    assertThat(p.methodMatches("find")).isTrue();
    assertThat(p.methodMatches("save")).isFalse();
  }

  /**
   * Classes that proxy libraries generate at run time delegate to the class a wildcard pattern
   * already matches: not matched by it (they would time each call twice, under a generated name),
   * but still by a pattern that names them exactly and by subtype patterns.
   */
  @Test
  void wildcardPatternsLeaveRuntimeGeneratedProxiesOut() {
    MethodPattern p = MethodPattern.parse("example.app.*");
    assertThat(p.classMatches("example.app.ClinicService")).isTrue();
    assertThat(p.classMatches("example.app.Owner$Address")).as("a nested class").isTrue();
    assertThat(p.classMatches("example.app.Proxy")).isTrue();
    assertThat(p.classMatches("example.app.$Proxies")).isTrue();
    for (String generated :
        List.of(
            "example.app.ClinicService$$SpringCGLIB$$0",
            "example.app.ClinicService$$EnhancerBySpringCGLIB$$1a2b3c",
            "example.app.ClinicService$$FastClassBySpringCGLIB$$4d5e",
            "example.app.Owner$HibernateProxy",
            "example.app.Owner$HibernateProxy$Xyz123",
            "example.app.Owner$HibernateInstantiator",
            "example.app.Owner$ByteBuddy$abc",
            "example.app.Owner_$$_javassist_12",
            "example.app.$Proxy167")) {
      assertThat(p.classMatches(generated)).as(generated).isFalse();
      assertThat(MethodPattern.generatedClassName(generated)).as(generated).isTrue();
    }
    assertThat(MethodPattern.parse("example.app.$Proxy167").classMatches("example.app.$Proxy167"))
        .as("named exactly")
        .isTrue();
    assertThat(MethodPattern.parse("+example.app.Repo").classMatches("example.app.$Proxy167"))
        .as("a subtype pattern decides on the hierarchy")
        .isTrue();
  }

  @Test
  void subtypePattern() {
    MethodPattern p = MethodPattern.parse("+com.example.Handler#handle");
    assertThat(p.isSubtypePattern()).isTrue();
    assertThat(p.baseTypeName()).isEqualTo("com.example.Handler");
    assertThat(p.classPattern()).isNull();
    // The name says nothing about the hierarchy: any non-excluded class may be a subtype.
    assertThat(p.classMatches("org.other.MyHandlerImpl")).isTrue();
    assertThat(p.couldMatchClassName("org.other.MyHandlerImpl")).isTrue();
    assertThat(p.classMatches("java.util.concurrent.FutureTask")).isFalse();
    assertThat(p.methodMatches("handle")).isTrue();
  }

  @Test
  void subtypeOfAJdkInterfaceIsAllowedButNeverMatchesJdkClasses() {
    MethodPattern p = MethodPattern.parse("+java.lang.Runnable#run");
    assertThat(p.baseTypeName()).isEqualTo("java.lang.Runnable");
    assertThat(p.classMatches("com.example.Job")).isTrue();
    assertThat(p.classMatches("java.lang.Thread")).isFalse();
    assertThat(p.couldMatchClassName("jdk.internal.misc.X")).isFalse();
  }

  @Test
  void parameterTypes() {
    MethodPattern p = MethodPattern.parse("com.example.Api#call(java.lang.String)");
    assertThat(p.parameterTypes()).containsExactly("java.lang.String");
    assertThat(MethodPattern.parse("com.example.Api#call(java.lang.String, int[], byte[][])").parameterTypes())
        .containsExactly("java.lang.String", "int[]", "byte[][]");
    assertThat(MethodPattern.parse("com.example.Api#call()").parameterTypes()).isEmpty();
    assertThat(MethodPattern.parse("com.example.Api#call(..)").parameterTypes()).isNull();
    assertThat(MethodPattern.parse("com.example.Api#call(java.lang.String...)").parameterTypes())
        .containsExactly("java.lang.String[]");
    assertThat(MethodPattern.parse("com.example.Api#call(com.example.Outer$Inner)").parameterTypes())
        .containsExactly("com.example.Outer$Inner");
    assertThatThrownBy(() -> p.parameterTypes().add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void explicitOperationName() {
    MethodPattern p = MethodPattern.parse("com.example.Repo#findUsers=custom.findUsers");
    assertThat(p.operationName()).isEqualTo("custom.findUsers");
    assertThat(p.methodMatches("findUsers")).isTrue();
    assertThat(MethodPattern.parse("com.example.Api#call(int,long) = api.call").operationName()).isEqualTo("api.call");
  }

  @Test
  void annotationPattern() {
    MethodPattern p = MethodPattern.parse("@com.example.Traced");
    assertThat(p.isAnnotationPattern()).isTrue();
    assertThat(p.annotationName()).isEqualTo("com.example.Traced");
    assertThat(p.classPattern()).isNull();
    assertThat(p.methodPattern()).isNull();
    assertThat(p.classMatches("com.anything.Foo")).isTrue();
    assertThat(p.classMatches("dev.perfmon.agent.Foo")).isFalse();
    assertThat(MethodPattern.parse("@com.example.Traced#get*").methodMatches("getX")).isTrue();
  }

  @Test
  void constructors() {
    MethodPattern p = MethodPattern.parse("com.example.Foo#<init>");
    assertThat(p.matchesConstructors()).isTrue();
    assertThat(p.methodMatches("<init>")).isTrue();
    assertThat(p.methodMatches("init")).isFalse();
    assertThat(p.methodMatches("<clinit>")).isFalse();
    assertThat(MethodPattern.parse("com.example.Foo#<init>(int)").parameterTypes()).containsExactly("int");
  }

  @Test
  void omittedMethodMeansEveryDeclaredMethodButNoConstructorOrInitialiser() {
    MethodPattern p = MethodPattern.parse("com.example.Foo");
    assertThat(p.methodPattern()).isNull();
    assertThat(p.methodMatches("anything")).isTrue();
    assertThat(p.methodMatches("<init>")).isFalse();
    assertThat(p.methodMatches("<clinit>")).isFalse();
    assertThat(p.matchesConstructors()).isFalse();
    // A wildcard does not reach constructors either.
    assertThat(MethodPattern.parse("com.example.Foo#*").methodMatches("<init>")).isFalse();
  }

  @Test
  void leadingWildcardNeverMatchesExcludedClasses() {
    MethodPattern p = MethodPattern.parse("*Service");
    assertThat(p.classMatches("com.example.UserService")).isTrue();
    for (String excluded :
        List.of(
            "java.util.ServiceLoaderService",
            "jdk.internal.FooService",
            "sun.misc.FooService",
            "com.sun.net.httpserver.FooService",
            "dev.perfmon.agent.SnapshotService",
            "dev.perfmon.shaded.net.bytebuddy.FooService")) {
      assertThat(p.classMatches(excluded)).as(excluded).isFalse();
      assertThat(p.couldMatchClassName(excluded)).as(excluded).isFalse();
      assertThat(MethodPattern.excludedClassName(excluded)).as(excluded).isTrue();
    }
    assertThat(MethodPattern.excludedClassName("javax.servlet.http.HttpServlet")).isFalse();
    assertThat(MethodPattern.excludedClassName("com.sunny.Foo")).isFalse();
    assertThat(MethodPattern.parse("java*.Foo").classMatches("javax.Foo")).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.util.HashMap#get",
        "java.*",
        "jdk.internal.*#*",
        "sun.misc.Unsafe",
        "com.sun.net.*",
        "dev.perfmon.agent.Monitor#run",
        "dev.perfmon.shaded.*",
        "dev.perfmon.bootstrap.*#record",
      })
  void patternsNamingExcludedClassesAreRejected(String text) {
    assertThatThrownBy(() -> MethodPattern.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("never instrumented");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "#foo                          | no class name before '#'",
        "com.example.Foo#              | no method name after '#'",
        "com.example.Foo#bar(          | '(' without a closing ')'",
        "com.example.Foo#bar)          | ')' without an opening '('",
        "com.example.Foo#bar(int)x     | text after ')'",
        "+com.*.Foo                    | a '+' (subtype) pattern needs an exact type name, without '*' or '?'",
        "@com.example.*                | an '@' (annotation) pattern needs an exact annotation type name",
        "com.example.Foo#bar=          | no operation name after '='",
        "com.example.Foo #bar          | whitespace inside a name",
        "com.exa mple.Foo              | whitespace inside a name",
        "com.example.Foo#bar=a b       | whitespace in the operation name 'a b'",
        "com.example.Foo#a#b           | more than one '#'",
        "com..Foo                      | empty package or class name in the class name 'com..Foo'",
        "com.example.                  | empty package or class name",
        "com.example.Foo-Bar           | invalid character '-' in the class name 'com.example.Foo-Bar'",
        "com.1example.Foo              | invalid character '1'",
        "com.example.Foo#ba-r          | invalid character '-' in the method name 'ba-r'",
        "com.example.Foo#<clinit>      | static initialisers (<clinit>) cannot be timed",
        "com.example.Foo#bar(int,,long) | empty parameter type",
        "com.example.Foo#bar(int,)     | empty parameter type",
        "com.example.Foo#bar(int x)    | invalid parameter type 'int x'",
        "com.example.Foo#bar(java.*)   | invalid parameter type 'java.*'",
        "com.example.Foo(int)          | parameter types without '#method' before them",
        "+                             | no type name after '+'",
        "@                             | no type name after '@'",
        "+@com.example.Traced          | invalid character '@'",
        "+dev.perfmon.bootstrap.PerfMon | the agent's own types (dev.perfmon.{agent,bootstrap,config,instrumentation,shaded}.*) are never instrumented",
      })
  void malformedPatterns(String text, String reason) {
    assertThatThrownBy(() -> MethodPattern.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void otherDevPerfmonCodeSuchAsTheDemoCanBeTracked() {
    MethodPattern p = MethodPattern.parse("dev.perfmon.demo.DemoApp$OrderService");
    assertThat(p.classMatches("dev.perfmon.demo.DemoApp$OrderService")).isTrue();
    assertThat(MethodPattern.excludedClassName("dev.perfmon.demo.DemoApp")).isFalse();
    assertThat(MethodPattern.excludedClassName("dev.perfmon.agent.AgentRuntime")).isTrue();
  }

  @Test
  void emptyPattern() {
    assertThatThrownBy(() -> MethodPattern.parse("  ")).hasMessage("empty pattern");
  }

  @Test
  void listParsingKeepsGoodPatternsAndReportsEachBadOneOnce() {
    MethodPatterns result =
        MethodPatterns.parse(
            List.of(
                "com.example.UserService#getUser",
                "com.example.Foo#",
                "com.example.repo.*#find*",
                "com.example.UserService#getUser",
                "java.lang.String#length"));
    assertThat(result.patterns())
        .extracting(MethodPattern::text)
        .containsExactly("com.example.UserService#getUser", "com.example.repo.*#find*");
    assertThat(result.problems())
        .containsExactly(
            "invalid method pattern 'com.example.Foo#' (key 'methods'): no method name after '#';"
                + " expected [+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g."
                + " com.example.UserService#getUser or com.example.repo.*#find*; pattern ignored",
            "duplicate method pattern 'com.example.UserService#getUser' (key 'methods'); listed once",
            "invalid method pattern 'java.lang.String#length' (key 'methods'): classes in java.*,"
                + " jdk.*, sun.*, com.sun.* and the agent's own"
                + " dev.perfmon.{agent,bootstrap,config,instrumentation,shaded}.* are never"
                + " instrumented; expected"
                + " [+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g."
                + " com.example.UserService#getUser or com.example.repo.*#find*; pattern ignored");
  }
}
