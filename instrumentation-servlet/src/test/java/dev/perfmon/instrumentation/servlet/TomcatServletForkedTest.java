package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.CallDepth;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.servlet.StatusCounters;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.OperationRegistry;
import jakarta.servlet.http.HttpServlet;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.apache.catalina.Context;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.Wrapper;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import example.app.TestApp.AsyncServlet;
import example.app.TestApp.AsyncTimeoutServlet;
import example.app.TestApp.ForwardingServlet;
import example.app.TestApp.PassingFilter;
import example.app.TestApp.RoutedServlet;
import example.app.TestApp.TargetServlet;
import example.app.TestApp.ThrowingServlet;
import example.app.TestApp.UnavailableServlet;
import example.app.TestApp.UsersServlet;

/**
 * Weaves the servlet module into a real embedded Tomcat 11 (jakarta) the way the agent does
 * ({@link AgentBuilders}), drives it over HTTP and reads the recorders.
 */
class TomcatServletForkedTest {
  private static final OperationRegistry REGISTRY = new OperationRegistry(2000, n -> {});
  private static final ServletInstrumentationModule MODULE = new ServletInstrumentationModule();
  private static final List<String> TRANSFORM_ERRORS = new CopyOnWriteArrayList<>();
  private static final Set<String> TRANSFORMED = ConcurrentHashMap.newKeySet();
  private static ResettableClassFileTransformer transformer;
  private static Instrumentation instrumentation;
  private static Tomcat tomcat;
  private static HttpClient client;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    instrumentation = ByteBuddyAgent.install();
    MODULE.start(
        AgentContext.of(AgentConfig.defaults(), REGISTRY));
    AgentBuilder.Listener listener =
        new AgentBuilder.Listener.Adapter() {
          @Override
          public void onTransformation(
              TypeDescription type,
              ClassLoader loader,
              JavaModule module,
              boolean loaded,
              DynamicType dynamicType) {
            TRANSFORMED.add(type.getName());
          }

          @Override
          public void onError(
              String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            if (!classWithoutClassFile(typeName, t)) {
              TRANSFORM_ERRORS.add(typeName + ": " + t);
            }
          }
        };
    transformer =
        AgentBuilders.add(
                AgentBuilders.base(listener), MODULE, ServletInstrumentationModule.class.getClassLoader())
            .installOn(instrumentation);

    Path baseDir = Files.createTempDirectory("tomcat-forked-test");
    tomcat = new Tomcat();
    tomcat.setBaseDir(baseDir.toString());
    tomcat.setPort(0);
    Context ctx = tomcat.addContext("", baseDir.toString());
    if (ctx instanceof StandardContext sc) {
      // Leak detection at stop needs --add-opens this test has no use for; without them Tomcat
      // warns that it cannot look.
      sc.setClearReferencesThreadLocals(false);
      sc.setClearReferencesRmiTargets(false);
    }
    servlet(ctx, "default", new DefaultServlet(), "/");
    servlet(ctx, "users", new UsersServlet(), "/users/*");
    servlet(ctx, "boom", new ThrowingServlet(), "/boom");
    servlet(ctx, "unavailable", new UnavailableServlet(), "/unavailable");
    servlet(ctx, "forwarding", new ForwardingServlet(), "/fwd");
    servlet(ctx, "target", new TargetServlet(), "/target");
    servlet(ctx, "spring-like", new RoutedServlet(), "/owners/*");
    Wrapper async = servlet(ctx, "async", new AsyncServlet(), "/async");
    async.setAsyncSupported(true);
    Wrapper timeout = servlet(ctx, "async-timeout", new AsyncTimeoutServlet(), "/async-timeout");
    timeout.setAsyncSupported(true);
    FilterDef def = new FilterDef();
    def.setFilterName("passing");
    def.setFilter(new PassingFilter());
    def.setAsyncSupported("true");
    ctx.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("passing");
    map.addURLPattern("/*");
    ctx.addFilterMap(map);
    tomcat.getConnector();
    tomcat.start();
    base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * JDK proxies and other runtime-defined classes have no class file, so the agent's pool-only
   * description strategy cannot describe them; that is a property of the agent's base builder, not
   * of this module (reported to its owner), and such classes are never servlets of interest.
   */
  private static boolean classWithoutClassFile(String typeName, Throwable t) {
    return t instanceof net.bytebuddy.pool.TypePool.Resolution.NoSuchTypeException
        && (typeName.contains("$Proxy") || typeName.contains("$ByteBuddyAccessor"));
  }

  private static Wrapper servlet(Context ctx, String name, HttpServlet servlet, String mapping) {
    Wrapper w = Tomcat.addServlet(ctx, name, servlet);
    ctx.addServletMappingDecoded(mapping, name);
    return w;
  }

  @AfterAll
  static void stop() throws Exception {
    // The transformer first: resetting it retransforms the woven classes, and Byte Buddy then reads
    // class files through their loaders, which a stopped web application refuses (with a trace).
    MODULE.stop();
    if (transformer != null) {
      transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @AfterEach
  void noAgentErrors() {
    assertThat(TRANSFORM_ERRORS).isEmpty();
    assertThat(AgentErrors.suppressedCount())
        .as("suppressed advice errors, first: %s", AgentErrors.peek())
        .isZero();
    assertThat(CallDepth.depth(CallDepth.SERVLET)).isZero();
  }

  private static int get(String path) throws Exception {
    return send("GET", path);
  }

  private static int send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** count, errors, sum, max of an operation (0s when it does not exist). */
  private static long[] stats(String name) {
    OperationRecorder r = REGISTRY.find(name);
    long[] out = new long[4];
    if (r == null) {
      return out;
    }
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    for (long c : counts) {
      out[0] += c;
    }
    out[1] = totals[0];
    out[2] = totals[1];
    out[3] = totals[3];
    return out;
  }

  /** Polls until the operation has {@code count} calls (the sample may land just after the response). */
  private static long[] awaitCount(String name, long count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long[] s = stats(name);
    while (s[0] < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
      s = stats(name);
    }
    assertThat(s[0]).as("count of %s", name).isEqualTo(count);
    return s;
  }

  private static long status(String name, int statusClass) {
    OperationRecorder r = REGISTRY.find(name);
    return r == null ? 0 : StatusCounters.get(r.id(), statusClass);
  }

  private static List<String> names() {
    return REGISTRY.recorders().stream().map(OperationRecorder::name).collect(Collectors.toList());
  }

  @Test
  void everyRequestIsOneSampleNamedByItsNormalisedPath() throws Exception {
    String name = "servlet.GET /users/{id}";
    long before = stats(name)[0];
    for (int i = 1; i <= 5; i++) {
      assertThat(get("/users/" + i)).isEqualTo(200);
    }
    assertThat(send("POST", "/users/9")).isEqualTo(201);
    long[] s = awaitCount(name, before + 5);
    assertThat(s[1]).isZero();
    assertThat(status(name, StatusCounters.CLASS_2XX)).isEqualTo(before + 5);
    awaitCount("servlet.POST /users/{id}", 1);
    assertThat(REGISTRY.metadata(REGISTRY.find(name).id()))
        .containsEntry("kind", "servlet")
        .containsEntry("route", "/users/{id}")
        .containsEntry("method", "GET");
    assertThat(TRANSFORMED)
        .contains(
            "jakarta.servlet.http.HttpServlet",
            PassingFilter.class.getName(),
            "org.apache.catalina.servlets.DefaultServlet");
  }

  @Test
  void filterServletAndForwardCountOnce() throws Exception {
    assertThat(get("/fwd")).isEqualTo(200);
    awaitCount("servlet.GET /fwd", 1);
    Thread.sleep(50);
    assertThat(stats("servlet.GET /fwd")[0]).isEqualTo(1);
    assertThat(names()).noneMatch(n -> n.contains("/target"));
    assertThat(status("servlet.GET /fwd", StatusCounters.CLASS_2XX)).isEqualTo(1);
  }

  @Test
  void thrownExceptionsAndServerErrorStatusesAreErrors() throws Exception {
    assertThat(get("/boom")).isEqualTo(500);
    long[] boom = awaitCount("servlet.GET /boom", 1);
    assertThat(boom[1]).isEqualTo(1);
    assertThat(status("servlet.GET /boom", StatusCounters.CLASS_5XX)).isEqualTo(1);

    assertThat(get("/unavailable")).isEqualTo(503);
    long[] unavailable = awaitCount("servlet.GET /unavailable", 1);
    assertThat(unavailable[1]).isEqualTo(1);
    assertThat(status("servlet.GET /unavailable", StatusCounters.CLASS_5XX)).isEqualTo(1);

    // 4xx other than 404 is a success, counted as 4xx; 3xx likewise
    assertThat(get("/users/teapot")).isEqualTo(418);
    assertThat(get("/users/redirect")).isEqualTo(302);
    long[] teapot = awaitCount("servlet.GET /users/teapot", 1);
    assertThat(teapot[1]).isZero();
    assertThat(status("servlet.GET /users/teapot", StatusCounters.CLASS_4XX)).isEqualTo(1);
    awaitCount("servlet.GET /users/redirect", 1);
    assertThat(status("servlet.GET /users/redirect", StatusCounters.CLASS_3XX)).isEqualTo(1);
  }

  @Test
  void unmatchedRequestsShareOneOperationPerMethod() throws Exception {
    int before = names().size();
    for (int i = 0; i < 200; i++) {
      assertThat(get("/scan/" + i + "/admin" + (char) ('a' + i % 26) + ".php")).isEqualTo(404);
    }
    assertThat(send("POST", "/nothing/here")).isEqualTo(404);
    awaitCount("servlet.GET {unmatched}", 200);
    awaitCount("servlet.POST {unmatched}", 1);
    assertThat(names().size() - before).isEqualTo(2);
    assertThat(status("servlet.GET {unmatched}", StatusCounters.CLASS_4XX)).isEqualTo(200);
  }

  @Test
  void frameworkRouteAttributeNamesTheOperation() throws Exception {
    assertThat(get("/owners/12")).isEqualTo(200);
    assertThat(get("/owners/13")).isEqualTo(200);
    awaitCount("servlet.GET /owners/{ownerId}", 2);
  }

  @Test
  void queryStringsNeverReachNames() throws Exception {
    assertThat(get("/users/77?token=secret&password=hunter2")).isEqualTo(200);
    assertThat(get("/users/other;jsessionid=0123456789ABCDEF?token=secret")).isEqualTo(200);
    Thread.sleep(50);
    assertThat(names()).noneMatch(n -> n.contains("secret") || n.contains("hunter2") || n.contains("jsessionid") || n.contains("0123456789ABCDEF"));
    for (OperationRecorder r : REGISTRY.recorders()) {
      assertThat(REGISTRY.metadata(r.id()).values()).noneMatch(v -> v.contains("secret"));
    }
  }

  @Test
  void asyncRequestsEndWhenTheAsyncContextCompletes() throws Exception {
    long t0 = System.nanoTime();
    assertThat(get("/async")).isEqualTo(200);
    long clientNanos = System.nanoTime() - t0;
    long[] s = awaitCount("servlet.GET /async", 1);
    assertThat(s[1]).isZero();
    assertThat(s[3]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(140));
    assertThat(s[3]).isLessThanOrEqualTo(Math.max(clientNanos, TimeUnit.SECONDS.toNanos(1)));
    assertThat(status("servlet.GET /async", StatusCounters.CLASS_2XX)).isEqualTo(1);
  }

  @Test
  void asyncTimeoutIsAnError() throws Exception {
    assertThat(get("/async-timeout")).isEqualTo(500);
    long[] s = awaitCount("servlet.GET /async-timeout", 1);
    assertThat(s[1]).isEqualTo(1);
    assertThat(s[3]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(90));
    assertThat(status("servlet.GET /async-timeout", StatusCounters.CLASS_5XX)).isEqualTo(1);
  }
}
