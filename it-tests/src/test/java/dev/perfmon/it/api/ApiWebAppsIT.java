package dev.perfmon.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two web applications in one Tomcat, each shipping its own copy of perfmon-api ({@link
 * TwoWebAppsApp}): both copies are bound to the one agent, so a name both use is one operation
 * (its count covers both applications' calls, in the snapshot and in what each copy's {@code
 * getStats} reports), each application's scope sees only its own names, the requests themselves
 * appear beside them as servlet operations, and an undeployed application's class loader, copy
 * of the API included, is collected: the agent keeps nothing of it.
 */
class ApiWebAppsIT {
  private static final Pattern ANSWER =
      Pattern.compile("ANSWER (\\w) 200 (\\d+) (\\w+) (-?\\d+) (-?\\d+) \\[([^\\]]*)\\] 42");

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void eachWebAppsCopyFeedsTheOneAgent(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("api-webapps-" + jdk.name());
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(TwoWebAppsApp.class)
            .classpath(
                Path.of(System.getProperty("perfmon.it.tomcat9.jar")),
                Path.of(System.getProperty("perfmon.it.tomcat9.annotations.jar")))
            .workDir(dir)
            // As Tomcat's start-up scripts do: lets its own leak detection work (asserted below).
            .jvmArg("--add-opens=java.base/java.lang=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.io=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.util=ALL-UNNAMED")
            .jvmArg("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED")
            .jvmArg("-Duser.language=en")
            .jvmArg("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED")
            .agent("interval=1h,output.file=stats.jsonl")
            .args(ApiIT.apiJar().toString())
            .start()) {
      int code = app.waitForExit(Duration.ofMinutes(3));
      assertThat(code).as(app.describe()).isZero();
      String stdout = app.stdout();
      assertThat(stdout).as(app.describe()).contains("DONE", "API ON SERVER CLASS PATH false");

      List<String[]> answers = new ArrayList<>();
      Matcher m = ANSWER.matcher(stdout);
      while (m.find()) {
        answers.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)});
      }
      assertThat(answers).as(stdout).hasSize(5);
      // Two copies of PerfMon, each from its own web-app class loader.
      String copyA = null;
      String copyB = null;
      long ownA = 0;
      long ownB = 0;
      for (int i = 0; i < answers.size(); i++) {
        String[] a = answers.get(i);
        assertThat(a[2]).as("PerfMon's loader").isEqualTo("ParallelWebappClassLoader");
        if (a[0].equals("a")) {
          copyA = copyA == null ? a[1] : copyA;
          assertThat(a[1]).isEqualTo(copyA);
          ownA++;
          assertThat(Long.parseLong(a[4])).as("a's own count, request %d", i + 1).isEqualTo(ownA);
          assertThat(a[5]).isEqualTo("a.own");
        } else {
          copyB = copyB == null ? a[1] : copyB;
          assertThat(a[1]).isEqualTo(copyB);
          ownB++;
          assertThat(Long.parseLong(a[4])).as("b's own count, request %d", i + 1).isEqualTo(ownB);
          assertThat(a[5]).isEqualTo("b.own");
        }
        // shared.work: one operation fed by both copies; each request sees all calls so far.
        assertThat(Long.parseLong(a[3])).as("shared.work seen by %s, request %d", a[0], i + 1).isEqualTo(i + 1);
      }
      assertThat(copyA).isNotEqualTo(copyB);
      assertThat(stdout).contains("COLLECTED a true");

      AgentOutput out = AgentOutput.read(dir.resolve("stats.jsonl"));
      assertThat(out.operation("shared.work").get("count").asLong()).isEqualTo(5);
      assertThat(out.operation("a.own").get("count").asLong()).isEqualTo(3);
      assertThat(out.operation("b.own").get("count").asLong()).isEqualTo(2);
      assertThat(out.operationNames())
          .as("the requests as servlet operations beside the API's")
          .anyMatch(n -> n.startsWith("servlet.GET /a/"))
          .anyMatch(n -> n.startsWith("servlet.GET /b/"));
      assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong()).isZero();
      assertThat(app.stderr()).doesNotContain("[ERROR]").doesNotContain("memory leak");
    }
  }
}
