package dev.perfmon.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import example.config.LoopApp;
import example.core.CoreApp;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole product on an unmodified application: {@code -javaagent} with an agent.properties in
 * the working directory, user-listed methods, an annotation, subtype matching, explicit names, two
 * threads, and the final snapshot written at shutdown. Runs the monitored JVM on every configured
 * JDK (17 and 25).
 */
class CoreAgentIT {
  private static final String APP = "example.core.";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void recordsExactStatisticsOfListedMethods(Jdk jdk) throws Exception {
    String baseline = run(jdk, false).result;
    Run run = run(jdk, true);

    assertThat(run.result).as("the application's own results are unchanged").isEqualTo(baseline);
    assertThat(run.result).contains("made-by-app-bytebuddy").contains("bb=byte-buddy-1.17.8.jar");

    AgentOutput out = AgentOutput.read(run.dir.resolve("stats.jsonl"));
    JsonNode snapshot = out.lastSnapshot();
    assertThat(snapshot.get("pid").asLong()).isEqualTo(run.pid);
    assertThat(snapshot.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    assertCounts(out, "users.byId", 400, 0);
    assertCounts(out, APP + "EmailHandler.<init>", 2 * 2, 0);
    assertCounts(out, APP + "UserService.validate", 200, 100);
    assertCounts(out, APP + "UserService.fib", 2 * 177, 0);
    assertCounts(out, "custom.findUsers", 80, 0);
    assertCounts(out, "custom.report", 60, 0);
    assertCounts(out, APP + "Repo.audit", 40, 0);
    assertCounts(out, APP + "EmailHandler.handle", 2 * (25 + 15), 0);
    assertCounts(out, APP + "SmsHandler.handle", 2 * 15, 0);

    JsonNode sleep = out.operation(APP + "UserService.sleep50");
    assertCounts(out, APP + "UserService.sleep50", 6, 0);
    assertThat(sleep.get("p50").asDouble()).isBetween(50.0, 70.0);
    assertThat(sleep.get("minDuration").asDouble()).isGreaterThanOrEqualTo(50.0);
    assertThat(sleep.get("avgDuration").asDouble()).isBetween(50.0, 70.0);
    assertThat(sleep.get("maxDuration").asDouble()).isGreaterThanOrEqualTo(sleep.get("p99").asDouble());

    assertThat(out.operationNames())
        .as("untracked methods and the constructor are absent")
        .noneMatch(
            n ->
                n.contains("untracked")
                    || n.contains("never.matches")
                    || n.equals(APP + "UserService.getUser")
                    || n.contains("UserService.<init>")
                    || n.contains("ownLibraries"));

    JsonNode memory = snapshot.get("memory");
    assertThat(memory.get("heapUsed").asDouble()).isPositive();
    assertThat(memory.get("heapMax").asDouble()).isGreaterThanOrEqualTo(memory.get("heapCommitted").asDouble());
    assertThat(memory.get("rss").asDouble()).isPositive();
    assertThat(memory.get("threads").asInt()).isPositive();
    assertThat(memory.get("gc").size()).isPositive();

    JsonNode agent = snapshot.get("agent");
    assertThat(agent.get("suppressedErrors").asLong()).isZero();
    JsonNode transformer = agent.get("transformer");
    assertThat(transformer.get("classes").asLong())
        .as("every class loaded after premain passed the transformer: the application's and the JDK's")
        .isGreaterThan(10);
    assertThat(transformer.get("ms").asDouble()).isPositive();
    String classes = Files.readString(run.dir.resolve("classes.log"));
    assertThat(classes)
        .as("the executing transformer is the agent's own class, not one Byte Buddy generates at start-up")
        .contains("dev.perfmon.shaded.net.bytebuddy.agent.builder.PerfmonTransformerFactory$ModuleAware ")
        .doesNotContain("$ByteBuddy$ModuleSupport")
        .doesNotContain("NexusAccessor");
    // Reading agent.properties, matching and weaving (here: listed methods, annotations,
    // constructors) spin no lambda of the agent's either: on Java 24+ each costs a class generated
    // with the JDK's class-file API at start-up (docs/startup.md).
    assertThat(classes)
        .as("lambda classes of the agent's configuration, matching and weaving code")
        .doesNotContainPattern("dev\\.perfmon\\.(config|instrumentation|agent\\.weave)\\.\\S*\\$\\$Lambda");
    assertThat(run.stdout)
        .as("the application's own logback still owns its SLF4J")
        .contains("LOGBACK|INFO|app|APP-LOG via the application's own logback")
        .doesNotContain("perfmon");
    assertThat(run.stderr).contains("[INFO] perfmon - perfmon ").doesNotContain("LOGBACK|");
    assertThat(run.stderr).doesNotContain("SLF4J").doesNotContain("could not").doesNotContain("Exception").doesNotContain("[ERROR]");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aKilledJvmLeavesNoBootstrapJarBehind(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("kill-" + jdk.name());
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .jvmArg("-Djava.io.tmpdir=" + tmp)
            .agent("interval=200ms,output.file=stats.jsonl,methods=example.config.LoopApp$Work#alpha")
            .args("60000")
            .start()) {
      // Woven code has called the bootstrap classes once a snapshot counts calls of alpha.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (countOf(dir.resolve("stats.jsonl"), "example.config.LoopApp$Work.alpha") == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(countOf(dir.resolve("stats.jsonl"), "example.config.LoopApp$Work.alpha"))
          .as(jvm.describe())
          .isPositive();
      assertThat(bootstrapJars(tmp)).as("deleted as soon as the JVM opened it").isEmpty();
      jvm.process().destroyForcibly().waitFor();
      assertThat(bootstrapJars(tmp)).as("nothing left after kill -9").isEmpty();
    }
  }

  /**
   * Byte Buddy's agent builder and transformer are built when the first class that may be
   * instrumented is loaded: an application without one (no servlet, no JDBC, no listed method)
   * never loads them, and the agent still runs (snapshots, the transformer's own figures). The
   * test above covers the other side: its listed methods make the agent build them and weave.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void anApplicationWithNothingToInstrumentNeverLoadsByteBuddysTransformer(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("lazy-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .jvmArg("-Xlog:class+load=info:file=" + dir.resolve("classes.log"))
            .agent("interval=200ms,output.file=stats.jsonl,log.level=debug")
            .args("1500")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      AgentOutput out = AgentOutput.read(dir.resolve("stats.jsonl"));
      assertThat(out.snapshots()).as(jvm.describe()).hasSizeGreaterThan(2);
      JsonNode agent = out.lastSnapshot().get("agent");
      assertThat(agent.get("transformer").get("classes").asLong())
          .as("the classes loaded after premain went through the agent's transformer")
          .isPositive();
      assertThat(agent.get("suppressedErrors").asLong()).isZero();
      String classes = Files.readString(dir.resolve("classes.log"));
      assertThat(classes)
          .as("the start-up transformer is loaded, Byte Buddy's transformer and weaving are not")
          .contains("dev.perfmon.instrumentation.api.DeferredTransformer ")
          .doesNotContain("dev.perfmon.shaded.net.bytebuddy.agent.builder.AgentBuilder$Default ")
          .doesNotContain("dev.perfmon.shaded.net.bytebuddy.agent.builder.PerfmonTransformerFactory$ModuleAware ")
          .doesNotContain("dev.perfmon.shaded.net.bytebuddy.asm.Advice ")
          .doesNotContain("dev.perfmon.shaded.net.bytebuddy.dynamic.scaffold.TypeWriter ");
      // No lambda or method reference of the agent is spun from premain to the final snapshot: on
      // Java 24+ the JDK generates each one's class with its class-file API, which cost a
      // hello-world 5 MB of peak RSS with the agent's 53 (docs/startup.md).
      assertThat(classes)
          .as("lambda classes of the agent spun at start-up, in snapshots or at exit")
          .doesNotContainPattern("dev\\.perfmon\\.\\S*\\$\\$Lambda");
      assertThat(jvm.stderr()).doesNotContain("could not").doesNotContain("Exception").doesNotContain("[ERROR]");
    }
  }

  /**
   * An application that loads many classes (here 1,500; the agent starts the build at the
   * thousandth that reaches its pre-test) has Byte Buddy's transformer built in the background
   * before any class needs it, and
   * the weaving warmed up: the first class to weave then does not wait for the build. The class
   * woven afterwards is timed as always.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aLargeApplicationHasTheTransformerBuiltInTheBackground(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("prebuild-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(example.config.ManyClassesApp.class)
            .workDir(dir)
            .agent("interval=200ms,output.file=stats.jsonl,log.level=debug,methods=example.config.LoopApp$Work#alpha")
            .args("1500", "3000")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      assertThat(jvm.stdout()).contains("RESULT classes=1500 alpha=5050 sum=true");
      String log = jvm.stderr();
      assertThat(log)
          .as("built, then warmed up, which only a build started in the background does")
          .contains("class transformer built in")
          .contains("weaving warmed up in");
      assertThat(log.indexOf("weaving warmed up in")).isGreaterThan(log.indexOf("class transformer built in"));
      assertThat(log).doesNotContain("could not").doesNotContain("Exception").doesNotContain("[ERROR]");
      AgentOutput out = AgentOutput.read(dir.resolve("stats.jsonl"));
      assertCounts(out, "example.config.LoopApp$Work.alpha", 100, 0);
      assertThat(out.lastSnapshot().get("agent").get("suppressedErrors").asLong()).isZero();
    }
  }

  private static long countOf(Path stats, String operation) throws java.io.IOException {
    if (!Files.exists(stats)) {
      return 0;
    }
    AgentOutput out = AgentOutput.read(stats);
    if (out.snapshots().isEmpty()) {
      return 0; // the file is opened at start-up, before the first snapshot
    }
    JsonNode op = out.operation(operation);
    return op == null ? 0 : op.get("count").asLong();
  }

  private static List<Path> bootstrapJars(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("perfmon-bootstrap-")).toList();
    }
  }

  private static void assertCounts(AgentOutput out, String name, long count, long errors) {
    JsonNode op = out.operation(name);
    assertThat(op).as("operation %s in %s", name, out.operationNames()).isNotNull();
    assertThat(op.get("count").asLong()).as(name + " count").isEqualTo(count);
    assertThat(op.get("errorCount").asLong()).as(name + " errors").isEqualTo(errors);
    assertThat(op.get("successCount").asLong()).as(name + " successes").isEqualTo(count - errors);
    assertThat(op.get("avgDuration").asDouble()).as(name + " avg").isPositive();
    assertThat(op.get("p50").asDouble())
        .isBetween(op.get("minDuration").asDouble(), op.get("maxDuration").asDouble());
    assertThat(op.get("avgDuration").asDouble())
        .isBetween(op.get("minDuration").asDouble(), op.get("maxDuration").asDouble());
    assertThat(op.get("interval").get("count").asLong()).isBetween(0L, count);
  }

  record Run(Path dir, long pid, String result, String stdout, String stderr) {}

  private static Run run(Jdk jdk, boolean agent) throws Exception {
    Path dir = ForkedJvm.workDir("core-" + jdk.name());
    Files.writeString(
        dir.resolve("agent.properties"),
        String.join(
            "\n",
            "# written by CoreAgentIT",
            "methods=" + APP + "UserService#getUser(int)=users.byId, \\",
            "  " + APP + "UserService#validate(java.lang.String)=never.matches, \\",
            "  " + APP + "EmailHandler#<init>, \\",
            "  " + APP + "UserService, \\",
            "  " + APP + "Repo#findUsers=custom.findUsers, \\",
            "  +" + APP + "Handler#handle",
            "annotations=" + APP + "TrackPerformance",
            "output.file=stats.jsonl",
            ""));
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk)
            .mainClass(CoreApp.class)
            .workDir(dir)
            // The application picks its SLF4J provider explicitly (SLF4J 2): the agent's shaded
            // SLF4J must neither follow that property nor complain about it on stderr.
            .jvmArg("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider")
            .jvmArg("-Dslf4j.internal.verbosity=WARN");
    if (agent) {
      b.agent(null);
      b.jvmArg("-Xlog:class+load=info:file=" + dir.resolve("classes.log"));
    }
    try (ForkedJvm.Running jvm = b.start()) {
      int code = jvm.waitForExit(Duration.ofSeconds(60));
      assertThat(code).as(jvm.describe()).isZero();
      Matcher m = Pattern.compile("RESULT .*").matcher(jvm.stdout());
      assertThat(m.find()).as(jvm.describe()).isTrue();
      return new Run(dir, jvm.pid(), m.group(), jvm.stdout(), jvm.stderr());
    }
  }
}
