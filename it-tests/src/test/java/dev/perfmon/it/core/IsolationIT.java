package dev.perfmon.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.servlet.ServletApps;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent in a class loader of its own (issue 16) and the bootstrap classes in the boot loader
 * without the boot class path (issue 15), on real JVMs, Java 17 and 25: the application cannot
 * reach the agent's classes; the JVM prints no class-data-sharing warning and an application's
 * AppCDS archive stays in use; a Spring Boot application scans the same class path with and
 * without the agent; after a detach the agent's class loader is collected.
 */
class IsolationIT {
  private static final String WORK = IsolationApp.class.getName() + "#work";
  private static final String CDS_WARNING = "Sharing is only supported for boot loader classes";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  static Stream<Arguments> jdksAndStarts() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      out.add(Arguments.of(jdk, "premain"));
      out.add(Arguments.of(jdk, "attach"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theApplicationCannotReachTheAgentsClasses(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("isolation-probe-" + jdk.name());
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk).testClasspath().mainClass(IsolationApp.class).workDir(dir).args("probe")
            .agent("methods=" + WORK + ",output.file=" + dir.resolve("stats.jsonl")).start()) {
      assertThat(app.waitForExit(Duration.ofSeconds(60))).as(app.describe()).isZero();
      String out = app.stdout();
      assertThat(out).contains("PROBED");
      for (String name : IsolationApp.AGENT_CLASSES) {
        assertThat(out).as(name).contains("HIDDEN " + name);
      }
      assertThat(out).as("only the entry point is the application loader's").contains("ENTRY VISIBLE");
      assertThat(out).as("advice woven into any loader's classes calls these").contains("BOOTSTRAP VISIBLE");
      assertThat(out + app.stderr()).doesNotContain(CDS_WARNING).doesNotContain("could not start");
    }
  }

  /**
   * A training run writes an AppCDS archive of the application (no agent); the run with the
   * agent maps it and loads the application's class from it, and the JVM prints no warning. (A
   * class the agent weaves is loaded from its class file: the JVM cannot use an archived copy of a
   * class whose bytes a transformer changes. So no method of the application is listed here.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void anAppCdsArchiveStaysInUseUnderTheAgent(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("isolation-cds-" + jdk.name());
    Path jar = appJar(dir); // AppCDS archives classes from jars only, not from directories
    Path archive = dir.resolve("app.jsa");
    try (ForkedJvm.Running training =
        ForkedJvm.builder(jdk).classpath(jar).mainClass(IsolationApp.class.getName()).workDir(dir).args("probe")
            .jvmArg("-XX:ArchiveClassesAtExit=" + archive).start()) {
      assertThat(training.waitForExit(Duration.ofSeconds(60))).as(training.describe()).isZero();
    }
    assertThat(archive).isRegularFile();
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk).classpath(jar).mainClass(IsolationApp.class.getName()).workDir(dir).args("probe")
            .jvmArg("-XX:SharedArchiveFile=" + archive).jvmArg("-Xlog:class+load=info")
            .agent("output.file=" + dir.resolve("stats.jsonl")).start()) {
      assertThat(app.waitForExit(Duration.ofSeconds(60))).as(app.describe()).isZero();
      String out = app.stdout() + app.stderr();
      assertThat(out).contains("PROBED").doesNotContain(CDS_WARNING);
      assertThat(out)
          .as("the application's class comes from its AppCDS archive")
          .containsPattern("\\] " + IsolationApp.class.getName().replace(".", "\\.") + " source: shared objects file");
      assertThat(out).as("the agent's bootstrap classes are in the boot loader").contains("dev.perfmon.bootstrap.PerfMon source: __JVM_DefineClass__");
    }
    assertThat(AgentOutput.read(dir.resolve("stats.jsonl")).snapshots()).as("the agent ran").isNotEmpty();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("jdksAndStarts")
  void theAgentsClassLoaderIsCollectedAfterADetach(Jdk jdk, String start) throws Exception {
    Path dir = ForkedJvm.workDir("isolation-detach-" + jdk.name() + "-" + start);
    Path stats = dir.resolve("stats.jsonl");
    Path signal = dir.resolve("detached");
    // The HTTP endpoint, the MXBeans and a woven method running on two threads during the detach:
    // each of them must let go of the agent's classes.
    String[] settings = {"methods=" + WORK, "interval=300ms", "output.file=" + stats, "http.port=0", "jmx=true"};
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk).testClasspath().mainClass(IsolationApp.class).workDir(dir).args("collect", signal.toString());
    if (start.equals("premain")) {
      b.agent(String.join(",", settings));
    }
    try (ForkedJvm.Running app = b.start()) {
      String pid = Long.toString(app.pid());
      if (start.equals("attach")) {
        List<String> args = new ArrayList<>(List.of("attach", pid, "--no-jit-warning"));
        args.addAll(List.of(settings));
        Cli attach = Cli.run(jdk, args.toArray(String[]::new));
        assertThat(attach.code()).as(attach.toString()).isZero();
      }
      app.awaitStdout("READY", Duration.ofSeconds(60));
      AgentOutput.await(stats, o -> o.snapshots().size() >= 2 && o.operation(IsolationApp.class.getName() + ".work") != null, Duration.ofSeconds(60));
      Cli detach = Cli.run(jdk, "detach", pid);
      assertThat(detach.code()).as(detach.toString()).isZero();
      Files.writeString(signal, "");
      app.awaitStdout("AGENT LOADER ", Duration.ofSeconds(60));
      app.awaitStdout("AGENT LOADER COLLECTED", Duration.ofSeconds(60));
      assertThat(app.stdout()).doesNotContain("REACHABLE");
      assertThat(app.stderr()).doesNotContain("Exception");
    }
  }

  /**
   * A Spring Boot application that reports what scanning the class path finds (bean definitions,
   * every class file and service file Spring's resolver sees): the same with and without the
   * agent, except the entry point's two classes.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void aSpringBootApplicationScansTheSameClassPathWithTheAgent(Jdk jdk) throws Exception {
    List<String> without = scan(jdk, false);
    List<String> with = scan(jdk, true);
    assertThat(with.stream().filter(l -> l.startsWith("bean ")))
        .as("bean definitions")
        .containsExactlyElementsOf(without.stream().filter(l -> l.startsWith("bean ")).toList());
    Set<String> extra = new LinkedHashSet<>(with);
    without.forEach(extra::remove);
    extra.removeIf(l -> l.contains(" count "));
    Set<String> missing = new LinkedHashSet<>(without);
    with.forEach(missing::remove);
    missing.removeIf(l -> l.contains(" count "));
    assertThat(missing).as("found without the agent but not with it").isEmpty();
    assertThat(extra)
        .as("found only with the agent: its entry point")
        .allMatch(l -> l.endsWith("perfmon-agent.jar!/dev/perfmon/agent/PerfmonAgent.class")
            || l.endsWith("perfmon-agent.jar!/dev/perfmon/agent/AgentClassLoader.class"));
    assertThat(with).anyMatch(l -> l.startsWith("classpath*:**/*.class "));
  }

  private static List<String> scan(Jdk jdk, boolean agent) throws Exception {
    Path dir = ForkedJvm.workDir("isolation-scan-" + jdk.name() + (agent ? "-agent" : ""));
    Path report = dir.resolve("scan.txt");
    ForkedJvm.Builder b =
        ForkedJvm.builder(jdk).jar(ServletApps.appJar("spring-boot-app")).workDir(dir).jvmArg("-Dscan.report=" + report);
    if (agent) {
      b.agent("output.file=" + dir.resolve("stats.jsonl"));
    }
    try (ForkedJvm.Running app = b.start()) {
      app.awaitStdout("SCAN REPORT written", Duration.ofSeconds(90));
      assertThat(app.stdout() + app.stderr()).doesNotContain(CDS_WARNING);
    }
    return Files.readAllLines(report);
  }

  /** A jar of IsolationApp's class files. */
  private static Path appJar(Path dir) throws Exception {
    Path classes = Path.of(IsolationApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("app.jar");
    String pkg = IsolationApp.class.getPackageName().replace('.', '/');
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.list(classes.resolve(pkg))) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("IsolationApp")).toList()) {
        out.putNextEntry(new JarEntry(pkg + "/" + f.getFileName()));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }
}
