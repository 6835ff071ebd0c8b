package dev.perfmon.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts an application in a separate JVM, optionally with the perfmon agent, and collects its
 * output. Build with {@link #builder(Jdk)}; every JVM is destroyed by {@link Running#close()}.
 *
 * <pre>{@code
 * try (ForkedJvm.Running app = ForkedJvm.builder(jdk).mainClass(MyApp.class)
 *     .agent("interval=1s,output.file=" + out).start()) {
 *   assertThat(app.waitForExit(Duration.ofSeconds(60))).isZero();
 * }
 * }</pre>
 */
public final class ForkedJvm {
  private ForkedJvm() {}

  /** The agent jar under test: {@code agent/target/perfmon-agent.jar}. */
  public static Path agentJar() {
    String p = System.getProperty("perfmon.agent.jar", "../agent/target/perfmon-agent.jar");
    Path jar = Path.of(p).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar missing: " + jar + " (run mvn package first)");
    }
    return jar;
  }

  /** A fresh working directory below {@code it-tests/target/it-work}. */
  public static Path workDir(String name) {
    try {
      Path base = Path.of(System.getProperty("perfmon.it.work", "target/it-work"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Builder builder(Jdk jdk) {
    return new Builder(jdk);
  }

  /** Settings of one JVM. */
  public static final class Builder {
    private final Jdk jdk;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> appArgs = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private String mainClass;
    private Path jar;
    private String agentArgs;
    private boolean withAgent;
    private Path workDir;
    private final java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    private final List<String> launcher = new ArrayList<>();

    private Builder(Jdk jdk) {
      this.jdk = jdk;
    }

    /** Runs {@code main} from this test's own class path (test classes and test dependencies). */
    public Builder mainClass(Class<?> main) {
      return mainClass(main.getName()).testClasspath();
    }

    public Builder mainClass(String main) {
      this.mainClass = main;
      return this;
    }

    /** Runs {@code java -jar jar}. */
    public Builder jar(Path jar) {
      this.jar = jar;
      return this;
    }

    /** Adds this test JVM's class path (test classes plus test-scoped dependencies). */
    public Builder testClasspath() {
      for (String e : System.getProperty("java.class.path").split(File.pathSeparator, -1)) {
        if (!e.isBlank()) {
          classpath.add(e);
        }
      }
      return this;
    }

    public Builder classpath(Path... entries) {
      for (Path p : entries) {
        classpath.add(p.toString());
      }
      return this;
    }

    /** Starts with {@code -javaagent:perfmon-agent.jar=args} (args may be null). */
    public Builder agent(String args) {
      this.withAgent = true;
      this.agentArgs = args;
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    public Builder args(String... args) {
      appArgs.addAll(List.of(args));
      return this;
    }

    /**
     * Runs the java command through a launcher, e.g. {@code setpriv --reuid=65534 ...} or
     * {@code unshare ...}; the launcher must end up exec'ing the java command (see {@link
     * Running#javaPid()}).
     */
    public Builder launcher(String... command) {
      launcher.addAll(List.of(command));
      return this;
    }

    /** Sets an environment variable of the JVM (PERFMON_* of this process are never inherited). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    public Running start() throws IOException {
      Path dir = workDir != null ? workDir : ForkedJvm.workDir("jvm");
      List<String> cmd = new ArrayList<>(launcher);
      cmd.add(jdk.java().toString());
      cmd.add("-Xmx256m");
      if (withAgent) {
        cmd.add("-javaagent:" + agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
      }
      cmd.addAll(jvmArgs);
      if (jar != null) {
        cmd.add("-jar");
        cmd.add(jar.toString());
      } else {
        if (!classpath.isEmpty()) {
          cmd.add("-cp");
          cmd.add(String.join(File.pathSeparator, classpath));
        }
        cmd.add(mainClass);
      }
      cmd.addAll(appArgs);
      Path stdout = dir.resolve("stdout.txt");
      Path stderr = dir.resolve("stderr.txt");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
      pb.redirectOutput(stdout.toFile());
      pb.redirectError(stderr.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("PERFMON_") || k.equals("JAVA_TOOL_OPTIONS"));
      pb.environment().putAll(env);
      return new Running(pb.start(), dir, stdout, stderr, cmd);
    }
  }

  /** A started JVM. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final Path stdout;
    private final Path stderr;
    private final List<String> command;

    Running(Process process, Path dir, Path stdout, Path stderr, List<String> command) {
      this.process = process;
      this.dir = dir;
      this.stdout = stdout;
      this.stderr = stderr;
      this.command = command;
    }

    public long pid() {
      return process.pid();
    }

    /**
     * The pid of the java process itself: the started process, or, when a launcher forked it (as
     * {@code unshare --fork} does), its java descendant.
     */
    public long javaPid() {
      if (process.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
        return process.pid();
      }
      return process.descendants()
          .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
          .map(ProcessHandle::pid)
          .findFirst()
          .orElse(process.pid());
    }

    public Path dir() {
      return dir;
    }

    public Process process() {
      return process;
    }

    /** Waits for the JVM to exit and returns its exit code; fails (and kills it) on timeout. */
    public int waitForExit(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("JVM did not exit within " + timeout + ": " + describe());
      }
      return process.exitValue();
    }

    /** Waits until stdout contains {@code text}; fails on timeout or exit. */
    public void awaitStdout(String text, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        if (stdout().contains(text)) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("JVM exited before printing '" + text + "': " + describe());
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no '" + text + "' on stdout within " + timeout + ": " + describe());
    }

    public String stdout() {
      return read(stdout);
    }

    public String stderr() {
      return read(stderr);
    }

    /** The command line plus both outputs, for assertion messages. */
    public String describe() {
      return String.join(" ", command) + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n" + stderr();
    }

    private static String read(Path p) {
      try {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "<" + e + ">";
      }
    }

    @Override
    public void close() {
      // A launcher may have forked the JVM (unshare --fork): stop the descendants too.
      process.descendants().forEach(ProcessHandle::destroy);
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        } catch (InterruptedException e) {
          process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
