package dev.perfmon.it.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.output.UntilStoppedApp;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The output file rotated under a running JVM, as logrotate does it: moved away and created
 * again ({@code create}), moved away without a new file, deleted, and copied and truncated ({@code
 * copytruncate}). After each, later snapshots must appear at the configured path, and every line of
 * every file must be whole JSON.
 */
class OutputFilesIT {
  private static final String WORK = "example.output.UntilStoppedApp$Work";
  private static final Duration WAIT = Duration.ofSeconds(60);

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void snapshotsKeepComingAtThePathWhenTheFileIsRotatedOrDeleted(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("output-files-" + jdk.name());
    Path file = dir.resolve("logs/perfmon.jsonl");
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(UntilStoppedApp.class)
            .workDir(dir)
            .agent("methods=" + WORK + "#step,interval=200ms,output.file=" + file)
            .start()) {
      awaitSnapshots(file, 2);

      // logrotate "create": moved away, an empty file created in its place (renamed into place, in
      // case the agent has created the file again in between)
      Path rotated1 = dir.resolve("logs/perfmon.jsonl.1");
      Path created = Files.createFile(dir.resolve("logs/new"));
      Files.move(file, rotated1);
      Files.move(created, file, StandardCopyOption.REPLACE_EXISTING);
      awaitSnapshots(file, 2);

      // moved away, nothing created
      Path rotated2 = dir.resolve("logs/perfmon.jsonl.2");
      Files.move(file, rotated2);
      awaitSnapshots(file, 2);

      // deleted
      Files.delete(file);
      awaitSnapshots(file, 2);

      // logrotate "copytruncate"
      Path copy = dir.resolve("logs/perfmon.jsonl.3");
      Files.copy(file, copy);
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
        c.truncate(0);
      }
      awaitSnapshots(file, 2);

      Files.createFile(dir.resolve("stop"));
      assertThat(app.waitForExit(WAIT)).as(app.describe()).isZero();

      long calls = Long.parseLong(app.stdout().replaceAll("(?s).*CALLS (\\d+).*", "$1"));
      AgentOutput last = AgentOutput.read(file); // fails on a partial or merged line
      assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("\0");
      assertThat(last.lastSnapshot().path("operations").path(WORK + ".step").path("count").asLong())
          .as("the final snapshot, written at exit to the current file, counts every call")
          .isEqualTo(calls);
      for (Path p : List.of(rotated1, rotated2, copy)) {
        AgentOutput rotated = AgentOutput.read(p);
        assertThat(rotated.snapshots()).as(p.toString()).isNotEmpty();
        assertThat(rotated.lastSnapshot().path("agent").has("lostLines")).isFalse();
      }
      // snapshots are in order over the files, none repeated
      List<Long> uptimes = new ArrayList<>();
      for (Path p : List.of(rotated1, rotated2, copy)) {
        for (JsonNode s : AgentOutput.read(p).snapshots()) {
          uptimes.add(s.get("uptimeMs").asLong());
        }
      }
      assertThat(uptimes).isSorted().doesNotHaveDuplicates();

      // One INFO line per change noticed. The move-and-create step shows as "replaced", or as
      // "deleted" when the agent wrote between the move and the create (the unit test pins each).
      String stderr = app.stderr();
      String replaced = file + " was replaced (moved away and created again, e.g. by logrotate): writing to the new file";
      String deleted = file + " was deleted or moved away: creating it again";
      String truncated = file + " was truncated (e.g. logrotate copytruncate): writing on from its new end";
      List<String> notices = new ArrayList<>();
      for (String l : stderr.lines().toList()) {
        if (l.contains("[INFO] perfmon - " + file)) {
          notices.add(l.substring(l.indexOf("[INFO] perfmon - ") + "[INFO] perfmon - ".length()));
        }
      }
      assertThat(notices).as(stderr).isSubsetOf(replaced, deleted, truncated).contains(deleted, truncated);
      assertThat(notices.stream().filter(n -> !n.equals(truncated)).count()).as(stderr).isBetween(3L, 4L);
      assertThat(stderr).doesNotContain("WARN").doesNotContain("Exception");
    }
  }

  /** Waits until the file at {@code file} holds at least {@code n} snapshots. */
  private static void awaitSnapshots(Path file, int n) throws InterruptedException {
    AgentOutput.await(file, o -> o.snapshots().size() >= n, WAIT);
  }
}
