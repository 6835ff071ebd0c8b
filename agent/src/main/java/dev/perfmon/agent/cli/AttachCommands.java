package dev.perfmon.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code list}, {@code attach}, {@code detach} and {@code status}: the commands that work on
 * running JVMs. Each failure is one line saying what to do, with exit code 1 ({@link Main#FAILURE})
 * or 2 for usage errors.
 */
final class AttachCommands {
  /** The lowest Java version the agent runs on. */
  static final int MIN_JAVA = 17;

  private final PrintStream out;
  private final PrintStream err;

  AttachCommands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** A failure with the message for the user. */
  static final class Failure extends Exception {
    final int code;

    Failure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  int list() {
    List<JvmProcess> jvms = attachable(JvmProcess.all());
    if (jvms.isEmpty()) {
      out.println("no JVM that you can attach to is running");
      return Main.OK;
    }
    out.printf(Locale.ROOT, "%-8s %-24s %s%n", "PID", "PERFMON", "MAIN");
    for (JvmProcess j : jvms) {
      out.printf(Locale.ROOT, "%-8d %-24s %s%n", j.pid(), perfmonState(j), j.mainName());
    }
    return Main.OK;
  }

  int attach(String[] args) {
    if (args.length < 1) {
      err.println("perfmon: usage: attach <pid|name-fragment> [--reset] [--no-jit-warning] [key=value ...]");
      return Main.USAGE;
    }
    try {
      JvmProcess target = resolve(args[0]);
      preflight(target);
      List<String> options = new ArrayList<>();
      boolean jitWarning = true;
      boolean reset = false;
      for (int i = 1; i < args.length; i++) {
        if (args[i].equals(NO_JIT_WARNING)) {
          jitWarning = false;
          continue;
        }
        if (args[i].equals(RESET)) {
          reset = true;
          continue;
        }
        if (!args[i].contains("=")) {
          throw new Failure(Main.USAGE, "perfmon: '" + args[i] + "' is not key=value; options look like interval=5s or config=/etc/app/agent.properties");
        }
        options.add(args[i]);
      }
      Optional<Map<String, Object>> before = readStatus(target);
      if (before.isPresent()) {
        out.println("perfmon " + before.get().get("version") + " already runs in " + target.pid() + ": "
            + (reset ? "replacing its configuration (--reset: the defaults, agent.properties and the options given)"
                : "changing only the settings given (--reset starts from the defaults)"));
      }
      if (reset) {
        options.add(0, RESET); // the agent's own marker (AgentRuntime.RESET), first
      }
      if (jitWarning && before.isEmpty() && discardsCompiledCode(target.javaFeatureVersion(), String.join(" ", target.cmdline()))) {
        err.println(jitWarningText(target.javaFeatureVersion()));
      }
      String jar = agentJarFor(target);
      HotSpotAttach.Reply reply = new HotSpotAttach(target).loadAgent(jar, String.join(",", options));
      checkLoadReply(target, reply);
      long generation = before.map(m -> (long) JsonTree.number(m, "generation")).orElse(0L);
      Map<String, Object> after = awaitStatus(target, generation);
      if (after == null) {
        throw new Failure(Main.FAILURE, "perfmon: the agent was loaded into " + target.pid() + " but did not report back; look at that JVM's stderr for lines starting with [perfmon]");
      }
      out.printf(
          Locale.ROOT,
          "perfmon %s %s %d in %d ms; %d loaded classes instrumented; output: %s%n",
          after.get("version"),
          after.get("lastChange"),
          target.pid(),
          (long) JsonTree.number(after, "lastChangeMs"),
          (long) JsonTree.number(after, "retransformedClasses"),
          after.get("outputs"));
      if (before.isPresent()) {
        for (String line : changes(JsonTree.object(before.get().get("config")), JsonTree.object(after.get("config")))) {
          out.println(line);
        }
      }
      if (after.get("http") != null) {
        out.println("perfmon HTTP endpoint in " + target.pid() + ": " + after.get("http"));
      }
      long refused = (long) JsonTree.number(after, "transformErrors");
      if (refused > 0) {
        err.println("perfmon (in " + target.pid() + "): " + refused + " class(es) could not be instrumented; the first is named in that JVM's stderr ([perfmon] could not instrument ...)");
      }
      Object problems = after.get("problems");
      if (problems instanceof List<?> list && !list.isEmpty()) {
        for (Object p : list) {
          err.println("perfmon (in " + target.pid() + "): " + p);
        }
      }
      dynamicLoadingNote(target);
      return Main.OK;
    } catch (Failure f) {
      err.println(f.getMessage());
      return f.code;
    } catch (IOException e) {
      err.println("perfmon: attach to " + args[0] + " failed: " + e.getMessage());
      return Main.FAILURE;
    }
  }

  /**
   * Java 21 and later print a four-line warning on the target's stderr each time an agent is
   * loaded into it while it runs (JEP 451): on attach, on every re-attach and on detach, which
   * reach the agent the same way, and also when perfmon came with {@code -javaagent} (measured on
   * JDK 25). Only the target's {@code -XX:+EnableDynamicAgentLoading} silences it.
   */
  private void dynamicLoadingNote(JvmProcess target) {
    if (target.javaFeatureVersion() >= 21 && !target.cmdline().contains("-XX:+EnableDynamicAgentLoading")) {
      err.println("note: Java " + target.javaFeatureVersion() + " printed a warning about a dynamically loaded agent on the target's stderr"
          + " (on each attach and detach); start it with -XX:+EnableDynamicAgentLoading to silence it");
    }
  }

  /** The {@code attach} flag that starts from the defaults instead of the configuration in effect. */
  static final String RESET = "--reset";

  /**
   * What a re-attach changed, one line per key ({@code "  interval: 10s -> 1s"}), after a heading;
   * or one line saying nothing changed. Compares the values of the status file's configuration,
   * without the source each is followed by.
   */
  static List<String> changes(Map<String, Object> before, Map<String, Object> after) {
    List<String> lines = new ArrayList<>();
    java.util.Set<String> keys = new java.util.LinkedHashSet<>(after.keySet());
    keys.addAll(before.keySet());
    for (String k : keys) {
      String old = withoutSource(before.get(k));
      String now = withoutSource(after.get(k));
      if (!old.equals(now)) {
        lines.add("  " + k + ": " + (old.isEmpty() ? "(none)" : old) + " -> " + (now.isEmpty() ? "(none)" : now));
      }
    }
    if (lines.isEmpty()) {
      return List.of("no setting changed");
    }
    lines.add(0, "changed (key: old -> new):");
    return lines;
  }

  /** {@code "10s (default)"} -> {@code "10s"}: the status file writes each value with its source. */
  static String withoutSource(Object entry) {
    if (entry == null) {
      return "";
    }
    String s = entry.toString();
    int open = s.lastIndexOf(" (");
    return open >= 0 && s.endsWith(")") ? s.substring(0, open) : s;
  }

  /** The {@code attach} flag that hides the warning of {@link #discardsCompiledCode}. */
  static final String NO_JIT_WARNING = "--no-jit-warning";

  /**
   * True when a first attach makes the target discard all its JIT-compiled code. Before Java 23
   * (JDK-8324241), HotSpot records the dependencies that class redefinition needs only when an
   * agent held the redefinition capabilities from start-up; the first retransformation after a
   * dynamic attach therefore deoptimises every compiled method (about 680 of 1,850 in a small
   * loop, 11,500 in a large Spring application; measured on Java 17 by {@code AttachJitIT}), and
   * a busy JVM runs slower until it has compiled them again. A JVM started with a {@code
   * -javaagent} (for instance perfmon's own with {@code enabled=false}) or with a debugger agent
   * recorded them from the start.
   */
  static boolean discardsCompiledCode(int featureVersion, String cmdline) {
    return featureVersion > 0
        && featureVersion < 23
        && !cmdline.contains("-javaagent:")
        && !cmdline.contains("-agentlib:jdwp");
  }

  static String jitWarningText(int featureVersion) {
    return "warning: on Java "
        + featureVersion
        + " a JVM discards all its JIT-compiled code when the first agent that changes classes attaches"
        + " (JDK-8324241, fixed in Java 23): expect lower throughput for tens of seconds while it recompiles."
        + " To avoid it next time, start the JVM with -javaagent:perfmon-agent.jar=enabled=false (no cost) and attach later."
        + " Proceeding; "
        + NO_JIT_WARNING
        + " hides this note.";
  }

  int detach(String[] args) {
    if (args.length != 1) {
      err.println("perfmon: usage: detach <pid|name-fragment>");
      return Main.USAGE;
    }
    try {
      JvmProcess target = resolve(args[0]);
      preflight(target);
      if (readStatus(target).isEmpty()) {
        throw new Failure(Main.FAILURE, "perfmon: perfmon is not running in " + target.pid() + " (nothing to detach)");
      }
      HotSpotAttach.Reply reply = new HotSpotAttach(target).loadAgent(agentJarFor(target), "detach");
      checkLoadReply(target, reply);
      long end = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < end && Files.exists(target.statusFile())) {
        sleep(100);
      }
      if (Files.exists(target.statusFile())) {
        throw new Failure(Main.FAILURE, "perfmon: " + target.pid() + " did not confirm the detach within 30 s; look at its stderr");
      }
      out.println("perfmon detached from " + target.pid() + ": its classes run their original code again");
      dynamicLoadingNote(target);
      return Main.OK;
    } catch (Failure f) {
      err.println(f.getMessage());
      return f.code;
    } catch (IOException e) {
      err.println("perfmon: detach from " + args[0] + " failed: " + e.getMessage());
      return Main.FAILURE;
    }
  }

  int status(String[] args) {
    if (args.length != 1) {
      err.println("perfmon: usage: status <pid|name-fragment>");
      return Main.USAGE;
    }
    try {
      JvmProcess target = resolve(args[0]);
      Optional<String> unreadable = unreadableStatus(target);
      if (unreadable.isPresent()) {
        err.println(unreadable.get());
        return Main.FAILURE;
      }
      Optional<Map<String, Object>> st = readStatus(target);
      if (st.isEmpty()) {
        out.println(target.pid() + " " + target.mainName() + ": " + notRunning(target, "perfmon is not running"));
        return Main.OK;
      }
      Map<String, Object> s = st.get();
      out.println(target.pid() + " " + target.mainName() + ": perfmon " + s.get("version") + " running");
      out.println("  since:       " + s.get("startedAt") + (Boolean.TRUE.equals(s.get("attached")) ? " (dynamic attach)" : " (-javaagent)"));
      out.println("  last change: " + s.get("lastChange") + " in " + (long) JsonTree.number(s, "lastChangeMs") + " ms");
      out.println("  operations:  " + (long) JsonTree.number(s, "operations"));
      out.println("  output:      " + s.get("outputs"));
      if (s.get("http") != null) {
        out.println("  http:        " + s.get("http"));
      }
      out.println("  configuration:");
      for (Map.Entry<String, Object> e : JsonTree.object(s.get("config")).entrySet()) {
        out.println("    " + e.getKey() + "=" + e.getValue());
      }
      return Main.OK;
    } catch (Failure f) {
      err.println(f.getMessage());
      return f.code;
    }
  }

  /** A pid, or a fragment of the main class / jar that names exactly one JVM. */
  JvmProcess resolve(String spec) throws Failure {
    if (spec.chars().allMatch(Character::isDigit) && !spec.isEmpty()) {
      long pid = Long.parseLong(spec);
      JvmProcess p =
          JvmProcess.of(pid)
              .orElseThrow(() -> new Failure(Main.FAILURE, "perfmon: no process " + pid + " (run 'java -jar perfmon-agent.jar list' to see the JVMs you can attach to)"));
      if (!p.isJvm()) {
        String name = p.cmdline().isEmpty() ? "?" : p.cmdline().get(0);
        throw new Failure(Main.FAILURE, "perfmon: process " + pid + " (" + name + ") is not a Java virtual machine");
      }
      return p;
    }
    List<JvmProcess> matches = new ArrayList<>();
    for (JvmProcess j : attachable(JvmProcess.all())) {
      if (j.mainName().contains(spec)) {
        matches.add(j);
      }
    }
    if (matches.isEmpty()) {
      throw new Failure(Main.FAILURE, "perfmon: no JVM you can attach to matches '" + spec + "' (run 'java -jar perfmon-agent.jar list')");
    }
    if (matches.size() > 1) {
      StringBuilder sb = new StringBuilder("perfmon: '" + spec + "' matches " + matches.size() + " JVMs; give the pid:");
      for (JvmProcess m : matches) {
        sb.append(' ').append(m.pid()).append(" (").append(m.mainName()).append(')');
      }
      throw new Failure(Main.FAILURE, sb.toString());
    }
    return matches.get(0);
  }

  /** Checks that an attach can work, with one actionable message per reason it cannot. */
  void preflight(JvmProcess target) throws Failure {
    long me = currentUid();
    if (me != 0 && target.uid() != me) {
      throw new Failure(Main.FAILURE, "perfmon: process " + target.pid() + " runs as another user (uid " + target.uid() + "); run this command as that user or as root");
    }
    if (target.attachDisabled()) {
      throw new Failure(Main.FAILURE, "perfmon: process " + target.pid() + " was started with -XX:+DisableAttachMechanism and cannot be attached to; restart it with -javaagent:perfmon-agent.jar instead");
    }
    int version = target.javaFeatureVersion();
    if (version > 0 && version < MIN_JAVA) {
      throw new Failure(Main.FAILURE, "perfmon: process " + target.pid() + " runs Java " + version + "; perfmon needs Java " + MIN_JAVA + " or newer");
    }
  }

  private void checkLoadReply(JvmProcess target, HotSpotAttach.Reply reply) throws Failure {
    String text = reply.text().trim();
    if (reply.status() != 0) {
      throw new Failure(Main.FAILURE, "perfmon: " + target.pid() + " refused to load the agent: " + HotSpotAttach.abbreviate(text));
    }
    if (!(text.isEmpty() || text.equals("0") || text.equals("return code: 0"))) {
      throw new Failure(Main.FAILURE, "perfmon: loading the agent into " + target.pid() + " failed (" + HotSpotAttach.abbreviate(text) + "); look at that JVM's stderr");
    }
  }

  private static List<JvmProcess> attachable(List<JvmProcess> all) {
    long me = currentUid();
    List<JvmProcess> out = new ArrayList<>();
    for (JvmProcess j : all) {
      if (me == 0 || j.uid() == me) {
        out.add(j);
      }
    }
    return out;
  }

  /**
   * The PERFMON column of {@code list}; says what {@code status} says. The status file is the
   * truth: a JVM started with perfmon's {@code -javaagent} but without one was detached, runs with
   * {@code enabled=false}, or has not finished starting (the agent writes the file about a second
   * after start-up).
   */
  private static String perfmonState(JvmProcess j) {
    if (unreadableStatus(j).isPresent()) {
      return "unknown (run as its user)";
    }
    Optional<Map<String, Object>> s = readStatus(j);
    if (s.isPresent()) {
      return "yes, " + s.get().get("version");
    }
    return notRunning(j, "no");
  }

  /** {@code prefix}, followed by why a JVM started with perfmon's {@code -javaagent} has no agent running. */
  static String notRunning(JvmProcess j, String prefix) {
    if (!hasPerfmonJavaagent(j.cmdline())) {
      return prefix;
    }
    boolean young = j.startInstant().map(t -> t.isAfter(java.time.Instant.now().minusSeconds(STARTING_SECONDS))).orElse(false);
    return prefix + (young ? " (-javaagent, still starting?)" : " (-javaagent: detached, or enabled=false)");
  }

  /** How long after its start a JVM with perfmon's -javaagent and no status file may still be starting. */
  static final long STARTING_SECONDS = 3;

  static boolean hasPerfmonJavaagent(List<String> cmdline) {
    for (String a : cmdline) {
      if (a.startsWith("-javaagent:") && a.contains("perfmon")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why the status file of {@code j} exists but this user cannot read it, else empty. The agent
   * makes the file readable by the JVM's own user (and root) only, so for another user's JVM "not
   * attached" would be a guess, and usually a wrong one.
   */
  static Optional<String> unreadableStatus(JvmProcess j) {
    Path f = j.statusFile();
    if (!Files.isRegularFile(f) || Files.isReadable(f)) {
      return Optional.empty();
    }
    String owner;
    try {
      owner = Files.getOwner(f).getName();
    } catch (IOException | RuntimeException e) {
      owner = "uid " + j.uid();
    }
    return Optional.of(
        "perfmon: cannot read the status file "
            + f
            + " of process "
            + j.pid()
            + " (it belongs to "
            + owner
            + " and only that user and root may read it), so whether perfmon runs there is unknown;"
            + " run this command as "
            + (owner.equals("root") ? "root" : owner + " or as root"));
  }

  static Optional<Map<String, Object>> readStatus(JvmProcess j) {
    try {
      Path f = j.statusFile();
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      Map<String, Object> status = JsonTree.object(JsonTree.parse(Files.readString(f, StandardCharsets.UTF_8)));
      if (isStale(status, j.startInstant())) {
        // Left by an earlier process with the same pid that was killed (no shutdown hook ran):
        // not this JVM's. Removed when it is ours to remove, so a new agent can write its own.
        try {
          Files.deleteIfExists(f);
        } catch (IOException | RuntimeException notOurs) {
          // another user's file in a sticky /tmp: ignored all the same
        }
        return Optional.empty();
      }
      return Optional.of(status);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * True when the status file was written by an agent that started before this process did: an
   * agent starts inside its JVM, so its {@code startedAt} can only be earlier when the file belongs
   * to a previous process that had the same pid. The process start time read from /proc has a
   * resolution of one second (the boot time is in whole seconds), hence the tolerance.
   */
  static boolean isStale(Map<String, Object> status, Optional<java.time.Instant> processStart) {
    Object startedAt = status.get("startedAt");
    if (processStart.isEmpty() || !(startedAt instanceof String text)) {
      return false;
    }
    try {
      java.time.Instant agentStart = java.time.Instant.parse(text);
      return agentStart.isBefore(processStart.get().minusSeconds(STALE_TOLERANCE_SECONDS));
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  /** See {@link #isStale}. */
  static final long STALE_TOLERANCE_SECONDS = 2;

  private static Map<String, Object> awaitStatus(JvmProcess target, long previousGeneration) {
    long end = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < end) {
      Optional<Map<String, Object>> s = readStatus(target);
      if (s.isPresent() && JsonTree.number(s.get(), "generation") > previousGeneration) {
        return s.get();
      }
      if (!target.isAlive()) {
        return null;
      }
      sleep(50);
    }
    return null;
  }

  /**
   * The agent jar's path as the target sees it. This jar itself when the target shares our file
   * system view and runs as our user; otherwise a copy in the target's /tmp, readable by it.
   */
  private static String agentJarFor(JvmProcess target) throws Failure {
    Path self = ownJar();
    if (target.sameMountNamespace() && target.uid() == currentUid()) {
      return self.toString();
    }
    try {
      Path dir = target.tmpDir();
      Path copy = dir.resolve("perfmon-agent-" + Main.version() + "-" + Files.size(self) + ".jar");
      if (!Files.exists(copy) || Files.size(copy) != Files.size(self)) {
        Path tmp = Files.createTempFile(dir, "perfmon-agent-", ".tmp");
        Files.copy(self, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return "/tmp/" + copy.getFileName();
    } catch (IOException | UnsupportedOperationException e) {
      throw new Failure(Main.FAILURE, "perfmon: cannot place the agent jar where process " + target.pid() + " can read it: " + e.getMessage());
    }
  }

  static Path ownJar() throws Failure {
    try {
      Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(p)) {
        throw new Failure(Main.FAILURE, "perfmon: attach needs the agent jar; run the command as java -jar perfmon-agent.jar");
      }
      return p.toAbsolutePath();
    } catch (java.net.URISyntaxException | SecurityException e) {
      throw new Failure(Main.FAILURE, "perfmon: cannot locate the agent jar: " + e.getMessage());
    }
  }

  static long currentUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return JvmProcess.effectiveUid(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
