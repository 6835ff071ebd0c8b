package dev.perfmon.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.servlet.ServletApps;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Cli;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.attach.AttachTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dynamic attach with the command-line tool, on real JVMs: attach to a JVM started without the
 * agent, reconfigure it, detach it, with the tool and the target on every combination of JDK 17
 * and 25; attach to a running Tomcat; and the error paths.
 */
class AttachIT {
  private static final String CALC = "example.attach.AttachTarget$Calc";

  static Stream<Arguments> toolAndTarget() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk tool : Jdk.all()) {
      for (Jdk target : Jdk.all()) {
        out.add(Arguments.of(tool, target));
      }
    }
    return out.stream();
  }

  static Cli cli(Jdk jdk, String... args) throws Exception {
    return Cli.run(jdk, args);
  }

  static ForkedJvm.Running startTarget(Jdk jdk, Path dir) throws Exception {
    ForkedJvm.Running jvm = ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120").start();
    jvm.awaitStdout("TICK", Duration.ofSeconds(30));
    return jvm;
  }

  static long count(JsonNode snapshot, String op) {
    return snapshot.path("operations").path(op).path("count").asLong(0);
  }

  @ParameterizedTest(name = "tool {0}, target {1}")
  @MethodSource("toolAndTarget")
  void attachReconfigureAndDetach(Jdk tool, Jdk targetJdk) throws Exception {
    Path dir = ForkedJvm.workDir("attach-" + tool.name() + "-" + targetJdk.name());
    try (ForkedJvm.Running target = startTarget(targetJdk, dir)) {
      String pid = Long.toString(target.pid());
      Path first = dir.resolve("first.jsonl");
      Cli attach = cli(tool, "attach", pid, "methods=" + CALC + "#work", "interval=300ms", "output.file=" + first);
      assertThat(attach.code()).as(attach.toString()).isZero();
      assertThat(attach.out()).contains("attached " + pid);

      AgentOutput a = AgentOutput.await(first, o -> o.snapshots().size() >= 3, Duration.ofSeconds(30));
      assertThat(a.snapshots().get(0).path("partial").asBoolean()).as("first snapshot after attach").isTrue();
      assertThat(a.snapshots().get(1).has("partial")).isFalse();
      long c1 = count(a.snapshots().get(1), CALC + ".work");
      long c2 = count(a.snapshots().get(2), CALC + ".work");
      assertThat(c1).isPositive();
      assertThat(c2).isGreaterThan(c1);
      assertThat(a.operation(CALC + ".other")).isNull();

      Path second = dir.resolve("second.jsonl");
      Cli again = cli(tool, "attach", pid, "methods=" + CALC + "#other", "interval=300ms", "output.file=" + second);
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("already runs").contains("reconfigured " + pid);
      AgentOutput b = AgentOutput.await(second, o -> o.snapshots().size() >= 3, Duration.ofSeconds(30));
      List<JsonNode> bs = b.snapshots();
      JsonNode last = bs.get(bs.size() - 1);
      assertThat(count(bs.get(bs.size() - 2), CALC + ".other")).isPositive();
      assertThat(count(last, CALC + ".other")).isGreaterThan(count(bs.get(bs.size() - 2), CALC + ".other"));
      assertThat(count(last, CALC + ".work"))
          .as("a method no longer listed runs its original code: its count stops")
          .isEqualTo(count(bs.get(bs.size() - 2), CALC + ".work"));

      Cli status = cli(tool, "status", pid);
      assertThat(status.code()).as(status.toString()).isZero();
      assertThat(status.out()).contains("running").contains("(dynamic attach)").contains(second.toString()).contains(CALC + "#other");

      Cli detach = cli(tool, "detach", pid);
      assertThat(detach.code()).as(detach.toString()).isZero();
      long lines = Files.readAllLines(second).size();
      long ticks = ticks(target);
      Thread.sleep(1200);
      assertThat(Files.readAllLines(second)).as("no snapshot after detach").hasSize((int) lines);
      assertThat(ticks(target)).as("the application runs on").isGreaterThan(ticks);
      String threads = threadDump(targetJdk, target.pid());
      assertThat(threads).contains("\"main\"").doesNotContain("perfmon-");
      Cli after = cli(tool, "status", pid);
      assertThat(after.out()).contains("perfmon is not running");
      assertThat(target.stdout()).doesNotContain("MISMATCH");
    }
  }

  @Test
  void attachingToAJvmStartedWithTheAgentReconfiguresIt() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("attach-javaagent");
    Path first = dir.resolve("first.jsonl");
    try (ForkedJvm.Running target =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120")
            .agent("methods=" + CALC + "#work,interval=300ms,output.file=" + first).start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      AgentOutput.await(first, o -> o.snapshots().size() >= 1, Duration.ofSeconds(30));
      Path second = dir.resolve("second.jsonl");
      Cli again = cli(jdk, "attach", Long.toString(target.pid()), "methods=" + CALC + "#other", "output.file=" + second, "interval=300ms");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("already runs").contains("reconfigured");
      AgentOutput b = AgentOutput.await(second, o -> o.snapshots().size() >= 2 && o.operation(CALC + ".other") != null, Duration.ofSeconds(30));
      assertThat(b.operation(CALC + ".other").get("count").asLong()).isPositive();
      assertThat(target.stderr()).doesNotContain("[ERROR]").doesNotContain("could not");
    }
  }

  /**
   * A re-attach starts from the configuration in effect, here one given at start-up with {@code
   * -javaagent:...=config=<file>,output.file=...}: it changes only the keys given and prints each
   * change; {@code --reset} starts from the defaults. After a detach, {@code list} and {@code status}
   * agree that perfmon no longer runs, and {@code status} never calls a {@code -javaagent} start
   * attached.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void reAttachKeepsWhatItDoesNotChangeAndListAndStatusAgreeAfterDetach(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("attach-keep-" + jdk.name());
    Path first = dir.resolve("first.jsonl");
    Path conf = dir.resolve("conf/app.properties");
    Files.createDirectories(conf.getParent());
    Files.writeString(conf, "methods=" + CALC + "#work\nslow.threshold=250ms\n");
    try (ForkedJvm.Running target =
        ForkedJvm.builder(jdk).mainClass(AttachTarget.class).workDir(dir).args("120")
            .agent("config=" + conf + ",interval=300ms,output.file=" + first).start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      AgentOutput.await(first, o -> o.snapshots().size() >= 1 && o.operation(CALC + ".work") != null, Duration.ofSeconds(30));
      String pid = Long.toString(target.pid());

      Cli running = cli(jdk, "status", pid);
      assertThat(running.out()).as(running.toString()).contains("running").contains("(-javaagent)").doesNotContain("attached");

      Cli again = cli(jdk, "attach", pid, "interval=400ms");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(again.out()).contains("changing only the settings given")
          .contains("changed (key: old -> new):\n  interval: 300ms -> 400ms\n");
      assertThat(again.out().lines().filter(l -> l.startsWith("  ")).toList()).as(again.toString()).hasSize(1);
      Cli status = cli(jdk, "status", pid);
      assertThat(status.out()).as(status.toString())
          .contains("methods=" + CALC + "#work (file " + conf + ")")
          .contains("output.file=" + first)
          .contains("interval=400ms (agent argument)")
          .contains("slow.threshold=250ms")
          .contains("(-javaagent)")
          .doesNotContain("attached");
      long before = AgentOutput.read(first).operation(CALC + ".work").get("count").asLong();
      AgentOutput.await(first, o -> o.operation(CALC + ".work").get("count").asLong() > before, Duration.ofSeconds(30));

      Path second = dir.resolve("second.jsonl");
      Cli reset = cli(jdk, "attach", pid, "--reset", "interval=300ms", "output.file=" + second);
      assertThat(reset.code()).as(reset.toString()).isZero();
      assertThat(reset.out()).as(reset.toString())
          .contains("  output.file: " + first + " -> " + second + "\n")
          .contains("  methods: " + CALC + "#work -> (none)\n")
          .contains("  slow.threshold: 250ms -> 1s\n")
          .contains("  config: " + conf + " -> (none)\n")
          .contains("  interval: 400ms -> 300ms\n");

      Cli detach = cli(jdk, "detach", pid);
      assertThat(detach.code()).as(detach.toString()).isZero();
      if (jdk.feature() >= 21) {
        assertThat(detach.err()).contains("-XX:+EnableDynamicAgentLoading");
      }
      // Within its first seconds a -javaagent JVM without a status file may just not have written
      // it yet ("still starting?"): check once the JVM is older than that.
      java.time.Instant started =
          ProcessHandle.of(Long.parseLong(pid)).flatMap(h -> h.info().startInstant()).orElseThrow();
      long wait = java.time.Duration.between(java.time.Instant.now(), started.plusMillis(3_500)).toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      String line = cli(jdk, "list").out().lines().filter(l -> l.startsWith(pid + " ")).findFirst().orElse("");
      assertThat(line.split("\\s+", -1)[1]).as(line).isEqualTo("no");
      assertThat(line).contains("detached");
      Cli after = cli(jdk, "status", pid);
      assertThat(after.out()).as(after.toString()).contains("perfmon is not running").contains("detached").doesNotContain("attached");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void attachToARunningTomcatTimesRequestsMadeAfterwards(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("attach-tomcat-" + jdk.name());
    try (ForkedJvm.Running tomcat = ForkedJvm.builder(jdk).jar(ServletApps.appJar("servlet-tomcat11")).workDir(dir).start()) {
      tomcat.awaitStdout("READY port=", Duration.ofSeconds(60));
      Matcher m = Pattern.compile("READY port=(\\d+)").matcher(tomcat.stdout());
      assertThat(m.find()).isTrue();
      String base = "http://127.0.0.1:" + m.group(1);
      HttpClient client = HttpClient.newHttpClient();
      for (int i = 0; i < 3; i++) {
        get(client, base + "/users/" + i); // before the attach: not counted
      }
      Path out = dir.resolve("stats.jsonl");
      Cli attach = cli(jdk, "attach", Long.toString(tomcat.pid()), "interval=300ms", "output.file=" + out);
      assertThat(attach.code()).as(attach.toString()).isZero();
      for (int i = 0; i < 7; i++) {
        assertThat(get(client, base + "/users/" + (100 + i))).isEqualTo(200);
      }
      AgentOutput o =
          AgentOutput.await(
              out,
              x -> x.snapshots().size() >= 1 && x.operation("servlet.GET /users/{id}") != null
                  && x.operation("servlet.GET /users/{id}").get("count").asLong() == 7,
              Duration.ofSeconds(30));
      assertThat(o.operation("servlet.GET /users/{id}").get("errorCount").asLong()).isZero();
      Cli detach = cli(jdk, "detach", Long.toString(tomcat.pid()));
      assertThat(detach.code()).as(detach.toString()).isZero();
      assertThat(get(client, base + "/users/1")).as("Tomcat serves on after detach").isEqualTo(200);
    }
  }

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  /**
   * A JVM in its own mount and pid namespaces, with a private /tmp, like a container: the JDK's own
   * attach client cannot find its socket; ours goes through /proc/<pid>/root/tmp and the pid the
   * JVM has inside its namespace.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void attachToAJvmInItsOwnMountAndPidNamespace(Jdk jdk) throws Exception {
    assumeRoot();
    // The target gets an empty /tmp of its own; its classes and files live outside /tmp (this
    // build may itself be under /tmp, which the target will not see).
    Path base = standaloneTarget("ns");
    Path dir = base.resolve("work");
    try (ForkedJvm.Running target =
        ForkedJvm.builder(jdk)
            .launcher(
                "unshare", "--pid", "--fork", "--mount", "--propagation", "private",
                "sh", "-c", "mount -t tmpfs perfmon-it /tmp && exec \"$0\" \"$@\"")
            .mainClass(AttachTarget.class.getName())
            .classpath(base.resolve("classes"))
            .workDir(dir)
            .args("120")
            .start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      long pid = target.javaPid();
      assertThat(Files.readString(Path.of("/proc/" + pid + "/status"))).as("own pid namespace").containsPattern("NSpid:\\s+" + pid + "\\s+1");
      assertThat(Files.exists(Path.of("/tmp/.java_pid" + pid))).isFalse();
      Path out = dir.resolve("ns.jsonl");
      Cli attach = cli(jdk, "attach", Long.toString(pid), "methods=" + CALC + "#work", "interval=300ms", "output.file=" + out);
      assertThat(attach.code()).as(attach.toString()).isZero();
      AgentOutput o = AgentOutput.await(out, x -> x.snapshots().size() >= 2 && x.operation(CALC + ".work") != null, Duration.ofSeconds(30));
      assertThat(o.operation(CALC + ".work").get("count").asLong()).isPositive();
      Cli status = cli(jdk, "status", Long.toString(pid));
      assertThat(status.out()).contains("running");
      Cli detach = cli(jdk, "detach", Long.toString(pid));
      assertThat(detach.code()).as(detach.toString()).isZero();
      assertThat(target.stdout()).doesNotContain("MISMATCH");
    } finally {
      deleteTree(base);
    }
  }

  /** A JVM of another user (nobody), attached to by root: the JVM accepts root as a peer. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void attachAsRootToAJvmOfAnotherUser(Jdk jdk) throws Exception {
    assumeRoot();
    // The other user cannot read this build's class path: it gets a copy of the target's classes.
    Path base = standaloneTarget("user");
    Path dir = base.resolve("work");
    try (ForkedJvm.Running target =
        ForkedJvm.builder(jdk)
            .launcher("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
            .mainClass(AttachTarget.class.getName())
            .classpath(base.resolve("classes"))
            .workDir(dir)
            .args("120")
            .start()) {
      target.awaitStdout("TICK", Duration.ofSeconds(30));
      long pid = target.javaPid();
      assertThat(Files.readString(Path.of("/proc/" + pid + "/status"))).containsPattern("Uid:\\s+65534");
      Path out = dir.resolve("user.jsonl");
      Cli attach = cli(jdk, "attach", Long.toString(pid), "methods=" + CALC + "#work", "interval=300ms", "output.file=" + out);
      assertThat(attach.code()).as(attach.toString()).isZero();
      AgentOutput o = AgentOutput.await(out, x -> x.snapshots().size() >= 2 && x.operation(CALC + ".work") != null, Duration.ofSeconds(30));
      assertThat(o.operation(CALC + ".work").get("count").asLong()).isPositive();
      Cli detach = cli(jdk, "detach", Long.toString(pid));
      assertThat(detach.code()).as(detach.toString()).isZero();
    } finally {
      deleteTree(base);
    }
  }

  /**
   * A copy of the target's classes and an empty work directory in a fresh directory under
   * /var/tmp, readable and writable by every user.
   */
  private static Path standaloneTarget(String name) throws Exception {
    Path base = Files.createTempDirectory(Path.of("/var/tmp"), "perfmon-it-" + name + "-");
    Path classes = base.resolve("classes/example/attach");
    Files.createDirectories(classes);
    Path compiled =
        Path.of(AttachTarget.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("example/attach");
    try (java.util.stream.Stream<Path> files = Files.list(compiled)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, classes.resolve(f.getFileName()));
      }
    }
    Path dir = base.resolve("work");
    Files.createDirectories(dir);
    for (Path p : List.of(base, base.resolve("classes"), base.resolve("classes/example"), classes, dir)) {
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    }
    return base;
  }

  private static void deleteTree(Path root) throws Exception {
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void aBadValueInTheAttachOptionsIsReportedBackAndTheRestApplies() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Path dir = ForkedJvm.workDir("attach-bad");
    try (ForkedJvm.Running target = startTarget(jdk, dir)) {
      Path out = dir.resolve("bad.jsonl");
      Cli attach = cli(jdk, "attach", Long.toString(target.pid()), "methods=" + CALC + "#work", "interval=fast", "output.file=" + out);
      assertThat(attach.code()).as(attach.toString()).isZero();
      assertThat(attach.err()).contains("invalid value 'fast' for key 'interval'");
      assertThat(target.stderr()).contains("invalid value 'fast' for key 'interval'");
      Cli detach = cli(jdk, "detach", Long.toString(target.pid()));
      assertThat(detach.code()).isZero();
      assertThat(AgentOutput.read(out).operation(CALC + ".work").get("count").asLong()).isPositive();
    }
  }

  private static void assumeRoot() throws Exception {
    boolean root = Files.readString(Path.of("/proc/self/status")).matches("(?s).*\\nUid:\\s+0\\s.*");
    org.junit.jupiter.api.Assumptions.assumeTrue(root, "needs root (as in CI): namespaces and another user's JVM");
  }

  @Test
  void errorPathsSayWhatToDo() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    Cli none = cli(jdk, "attach", "999999999");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("no process 999999999").contains("list");

    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Cli notJvm = cli(jdk, "attach", Long.toString(sleep.pid()));
      assertThat(notJvm.code()).isEqualTo(1);
      assertThat(notJvm.err()).contains("is not a Java virtual machine");
    } finally {
      sleep.destroy();
    }

    Cli usage = cli(jdk, "attach");
    assertThat(usage.code()).isEqualTo(2);
    Cli notKv = cli(jdk, "attach", "1", "interval");
    assertThat(notKv.code()).isIn(1, 2);

    Path dir = ForkedJvm.workDir("attach-ambiguous");
    try (ForkedJvm.Running one = startTarget(jdk, Files.createDirectories(dir.resolve("a")));
        ForkedJvm.Running two = startTarget(jdk, Files.createDirectories(dir.resolve("b")))) {
      Cli ambiguous = cli(jdk, "attach", "example.attach.AttachTarget");
      assertThat(ambiguous.code()).as(ambiguous.toString()).isEqualTo(1);
      // At least these two (another build on the same machine may run an AttachTarget as well).
      assertThat(ambiguous.err())
          .containsPattern("matches [2-9] JVMs")
          .contains(Long.toString(one.pid()))
          .contains(Long.toString(two.pid()));
      Cli list = cli(jdk, "list");
      assertThat(list.code()).isZero();
      assertThat(list.out()).contains(Long.toString(one.pid())).contains("example.attach.AttachTarget");
    }
  }

  @Test
  void aStatusFileLeftByAKilledJvmWithTheSamePidIsIgnored() throws Exception {
    Jdk jdk = Jdk.all().get(0);
    try (ForkedJvm.Running target = startTarget(jdk, ForkedJvm.workDir("attach-stale"))) {
      // What a JVM killed with -9 leaves: its agent started long before this process did.
      Path stale = Path.of("/tmp", ".perfmon-" + target.pid() + ".json");
      Files.writeString(
          stale,
          "{\"type\":\"status\",\"version\":\"0.0.1-old\",\"pid\":" + target.pid()
              + ",\"startedAt\":\"2020-01-01T00:00:00Z\",\"attached\":false,\"generation\":1}\n");
      try {
        Cli list = cli(jdk, "list");
        assertThat(list.code()).as(list.toString()).isZero();
        String line =
            list.out().lines().filter(l -> l.startsWith(target.pid() + " ")).findFirst().orElse("");
        assertThat(line).as(list.toString()).contains("example.attach.AttachTarget").doesNotContain("0.0.1-old");
        assertThat(line.split("\\s+", -1)[1]).isEqualTo("no");
        assertThat(stale).as("removed, so that an agent started later can write its own").doesNotExist();

        Cli attach = cli(jdk, "attach", Long.toString(target.pid()), "methods=" + CALC + "#work", "interval=300ms");
        assertThat(attach.code()).as(attach.toString()).isZero();
        assertThat(attach.out()).contains("attached");
        Cli status = cli(jdk, "status", Long.toString(target.pid()));
        assertThat(status.out()).doesNotContain("0.0.1-old");
        assertThat(cli(jdk, "detach", Long.toString(target.pid())).code()).isZero();
      } finally {
        Files.deleteIfExists(stale);
      }
    }
  }

  private static int get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static long ticks(ForkedJvm.Running jvm) {
    Matcher m = Pattern.compile("TICK (\\d+)").matcher(jvm.stdout());
    long last = 0;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  private static String threadDump(Jdk jdk, long pid) throws Exception {
    Process p = new ProcessBuilder(jdk.tool("jcmd").toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return text;
  }
}
