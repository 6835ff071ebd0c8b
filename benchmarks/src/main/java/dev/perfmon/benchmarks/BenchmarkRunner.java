package dev.perfmon.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the benchmarks and prints Markdown tables: the per-call overhead of tracking relative to
 * timing by hand, the recorder and snapshot costs, and the cost the agent adds to JDBC calls and
 * servlet requests.
 *
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar [--agent agent/target/perfmon-agent.jar]
 *        [--rounds 3] [--forks 1] [--warmup 30] [--iterations 20] [--time 200] [--jvm /path/to/java]
 *        [--io-warmup 20] [--io-iterations 15]
 *        [--only calls,recorder,snapshot,jdbc,servlet,snapscale,api] [--quiet]
 * </pre>
 *
 * <p>{@code snapscale} ({@link SnapshotScaleBenchmark}, not in the default list) times whole
 * snapshots of 2,000 and 10,000 operations, the first one of a fresh JVM (cold, 10 forks) and
 * warm ones; its forks, warm-up and iterations are the benchmark's own (only {@code --jvm}
 * applies).
 *
 * <p>Definitions: the <em>added time</em> of a way of calling a method is its time per call minus
 * the time per call of the plain, untracked method (same benchmark, fork without the agent). The
 * <em>ratio</em> is the tracked added time over the hand-timed (floor) added time. Goals: at most
 * 1.25 with one thread, 1.5 with two.
 *
 * <p>{@code jdbc} ({@link JdbcBenchmark}) and {@code servlet} ({@link ServletBenchmark}) run the
 * same benchmark in untracked and tracked forks ({@code -javaagent} with default instrumentation),
 * alternating, {@code --rounds} times, with {@code --io-warmup} and {@code --io-iterations}
 * iterations of {@code --time} ms; their table gives both times, the added time and the ratio
 * tracked/untracked.
 */
public final class BenchmarkRunner {
  private static final String PKG = "dev.perfmon.benchmarks.";

  /** Per benchmark label: every measurement iteration's score, over all forks and rounds. */
  private final Map<String, List<Double>> scores = new LinkedHashMap<>();
  private final Map<String, Double> allocs = new LinkedHashMap<>();
  private int rounds = 3;
  private Path agentJar;
  /** Further agent arguments of the tracked forks of the calls benchmark (e.g. http.port=0). */
  private String extraAgentArgs = "";
  private int forks = 1;
  // Many short iterations: on a shared machine, bursts of load from other processes hit some of them,
  // and the median and minimum over many short iterations are far steadier than a few long ones.
  // The warm-up (6 s) also outlasts the agent's one-off background work after start-up (a scan of
  // loaded classes for pattern coverage, about 5 s after start), which would otherwise compete for
  // the CPU during measurement.
  private int warmup = 30;
  private int iterations = 20;
  private long timeMillis = 200;
  private String jvm;
  private boolean quiet;
  // JDBC and servlet forks: fewer iterations than the calls, to keep a full run under 10 minutes.
  // Their calls take 1-50 µs, so 200 ms iterations still hold thousands of them.
  private int ioWarmup = 20;
  private int ioIterations = 15;
  private List<String> only = List.of("calls", "recorder", "snapshot", "jdbc", "servlet");

  public static void main(String[] args) throws Exception {
    BenchmarkRunner r = new BenchmarkRunner();
    r.parse(args);
    r.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--agent" -> agentJar = Path.of(args[++i]);
        case "--agent-args" -> extraAgentArgs = args[++i];
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--time" -> timeMillis = Long.parseLong(args[++i]);
        case "--jvm" -> jvm = args[++i];
        case "--io-warmup" -> ioWarmup = Integer.parseInt(args[++i]);
        case "--io-iterations" -> ioIterations = Integer.parseInt(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        case "--quiet" -> quiet = true;
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (agentJar == null) {
      for (String c : new String[] {"agent/target/perfmon-agent.jar", "../agent/target/perfmon-agent.jar"}) {
        if (Files.isRegularFile(Path.of(c))) {
          agentJar = Path.of(c);
          break;
        }
      }
    }
    boolean needsAgent = only.contains("calls") || only.contains("jdbc") || only.contains("servlet") || only.contains("api")
        || only.contains("snapscale");
    if (needsAgent && (agentJar == null || !Files.isRegularFile(agentJar))) {
      throw new IllegalArgumentException(
          "agent jar not found (build it, or pass --agent path/to/perfmon-agent.jar)");
    }
  }

  private ChainedOptionsBuilder options() {
    ChainedOptionsBuilder b =
        new OptionsBuilder()
            .forks(forks)
            .warmupIterations(warmup)
            .warmupTime(TimeValue.milliseconds(timeMillis))
            .measurementIterations(iterations)
            .measurementTime(TimeValue.milliseconds(timeMillis))
            .jvmArgs("-Xms256m", "-Xmx256m")
            .shouldFailOnError(true)
            .verbosity(quiet ? VerboseMode.SILENT : VerboseMode.NORMAL);
    if (jvm != null) {
      b.jvm(jvm);
    }
    return b;
  }

  /** Options for the JDBC and servlet forks: the shorter warm-up and measurement. */
  private ChainedOptionsBuilder ioOptions() {
    return options()
        .warmupIterations(ioWarmup)
        .measurementIterations(ioIterations)
        .addProfiler(GCProfiler.class);
  }

  /**
   * Runs the benchmarks {@code include} matches in untracked and tracked forks, alternating, and
   * checks that the tracked forks' output names {@code expected}: otherwise the library was not
   * instrumented and the "tracked" figures would mean nothing.
   */
  private void untrackedVsTracked(String group, String include, String expected)
      throws RunnerException, IOException {
    for (int round = 1; round <= rounds; round++) {
      System.out.printf(Locale.ROOT, "== %s, round %d of %d%n", group, round, rounds);
      collect("untracked", new Runner(ioOptions().include(include).build()).run());
      Path out = Files.createTempFile("perfmon-bench-" + group, ".jsonl");
      try {
        // Default instrumentation (servlet and JDBC on), no method patterns; snapshots only at exit.
        String agentArg = "-javaagent:" + agentJar.toAbsolutePath()
            + "=interval=1h,output=file,output.file=" + out.toAbsolutePath();
        collect("tracked", new Runner(ioOptions().include(include).jvmArgsAppend(agentArg).build()).run());
        String written = Files.readString(out);
        if (!written.contains(expected)) {
          throw new IllegalStateException("the agent's output names no " + expected + " operation:"
              + " the " + group + " calls were not tracked, the 'tracked' figures would be meaningless."
              + " Output was: " + (written.length() > 2000 ? written.substring(0, 2000) + "..." : written));
        }
      } finally {
        Files.deleteIfExists(out);
      }
    }
  }

  private void run() throws RunnerException, IOException {
    if (only.contains("calls")) {
      // Untracked and tracked forks alternate, so that a burst of load from other processes hurts
      // both sides rather than one; the table reports medians over every iteration of every round.
      for (int round = 1; round <= rounds; round++) {
        System.out.printf(Locale.ROOT, "== calls, round %d of %d%n", round, rounds);
        collect("untracked", new Runner(options()
            .include(PKG + "CallBenchmark\\.(call|floor|floor2|same2|different2)$")
            .build()).run());
        Path out = Files.createTempFile("perfmon-bench", ".jsonl");
        String agentArg =
            "-javaagent:" + agentJar.toAbsolutePath()
                + "=methods=bench.app.Target#a;bench.app.Target#b,interval=1h,output=file,output.file="
                + out.toAbsolutePath()
                + (extraAgentArgs.isEmpty() ? "" : "," + extraAgentArgs);
        collect("tracked", new Runner(options()
            .include(PKG + "CallBenchmark\\.(call|same2|different2)$")
            .jvmArgsAppend(agentArg)
            .addProfiler(GCProfiler.class)
            .build()).run());
        String written = Files.readString(out);
        Files.deleteIfExists(out);
        if (!written.contains("bench.app.Target")) {
          throw new IllegalStateException("the agent's output names no bench.app.Target operation:"
              + " the methods were not tracked, the 'tracked' figures would be meaningless");
        }
      }
    }
    if (only.contains("api")) {
      runApi();
    }
    if (only.contains("recorder")) {
      System.out.println("== recorder");
      collect("", new Runner(options()
          .include(PKG + "RecorderBenchmark\\.")
          .addProfiler(GCProfiler.class)
          .build()).run());
    }
    if (only.contains("snapshot")) {
      System.out.println("== snapshot");
      collect("", new Runner(options().include(PKG + "SnapshotBenchmark\\.").build()).run());
    }
    if (only.contains("snapscale")) {
      System.out.println("== snapshot at scale");
      Path cpu = Files.createTempFile("perfmon-bench-cpu", ".txt");
      // The benchmark's own forks, warm-up and iterations (cold: 1 shot per fresh JVM).
      ChainedOptionsBuilder b =
          new OptionsBuilder()
              .include(PKG + "SnapshotScaleBenchmark\\.")
              .jvmArgs("-Xms512m", "-Xmx512m", "-Dperfmon.agent.jar=" + agentJar.toAbsolutePath(),
                  "-Dperfmon.bench.cpu=" + cpu.toAbsolutePath())
              .shouldFailOnError(true)
              .verbosity(quiet ? VerboseMode.SILENT : VerboseMode.NORMAL);
      if (jvm != null) {
        b.jvm(jvm);
      }
      for (RunResult r : new Runner(b.build()).run()) {
        String label = r.getParams().getBenchmark();
        label = "scale." + label.substring(label.lastIndexOf('.') + 1) + "." + r.getParams().getParam("operations");
        List<Double> list = scores.computeIfAbsent(label, k -> new ArrayList<>());
        for (BenchmarkResult br : r.getBenchmarkResults()) {
          for (IterationResult i : br.getIterationResults()) {
            list.add(i.getPrimaryResult().getScore());
          }
        }
      }
      // The benchmark's CPU time per measured snapshot: "cold 2000 <ns>" lines.
      for (String line : Files.readAllLines(cpu)) {
        String[] f = line.trim().split(" ");
        if (f.length == 3) {
          scores.computeIfAbsent("scalecpu." + f[0] + "." + f[1], k -> new ArrayList<>())
              .add(Long.parseLong(f[2]) / 1e6);
        }
      }
      Files.deleteIfExists(cpu);
    }
    if (only.contains("jdbc")) {
      untrackedVsTracked("jdbc", PKG + "JdbcBenchmark\\.", "\"jdbc." + JdbcBenchmark.SELECT + "\"");
    }
    if (only.contains("servlet")) {
      untrackedVsTracked("servlet", PKG + "ServletBenchmark\\.", "\"servlet.GET /users/");
    }
    System.out.println();
    System.out.println(report());
  }

  /**
   * The application API (perfmon-api, {@link ApiBenchmark}): forks without the agent and with it
   * ({@code methods=bench.app.Target#a}, so that method advice is measured in the same forks),
   * alternating like the calls.
   */
  private void runApi() throws RunnerException, IOException {
    for (int round = 1; round <= rounds; round++) {
      System.out.printf(Locale.ROOT, "== api, round %d of %d%n", round, rounds);
      collect("untracked", new Runner(options().include(PKG + "ApiBenchmark\\.").addProfiler(GCProfiler.class).build()).run());
      Path out = Files.createTempFile("perfmon-bench-api", ".jsonl");
      try {
        String agentArg = "-javaagent:" + agentJar.toAbsolutePath()
            + "=methods=bench.app.Target#a,interval=1h,output=file,output.file=" + out.toAbsolutePath();
        collect("tracked", new Runner(options().include(PKG + "ApiBenchmark\\.")
            .jvmArgsAppend(agentArg).addProfiler(GCProfiler.class).build()).run());
        String written = Files.readString(out);
        for (String op : new String[] {"bench.api.handle", "bench.api.by-name", "bench.app.Target.a"}) {
          if (!written.contains("\"" + op + "\"")) {
            throw new IllegalStateException("the agent's output names no " + op + " operation: the API"
                + " was not bound (or the method not woven), the 'tracked' figures would be meaningless");
          }
        }
      } finally {
        Files.deleteIfExists(out);
      }
    }
  }

  /** One row of the API table: {@code bench} against the untimed block and the floor. */
  private void apiRow(StringBuilder sb, String name, String bench, String baseline) {
    double plain = median("untracked." + baseline);
    double floor = median("untracked.floor") - median("untracked.plain");
    double with = median("tracked." + bench);
    if (Double.isNaN(plain) || Double.isNaN(with)) {
      return;
    }
    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.1f | **%.2f** | %s |%n",
        name, score("untracked." + bench), score("tracked." + bench), with - plain,
        (with - plain) / floor, alloc("tracked." + bench)));
  }

  private void collect(String prefix, Collection<RunResult> runs) {
    for (RunResult r : runs) {
      String label = r.getParams().getBenchmark();
      label = label.substring(label.lastIndexOf('.') + 1);
      label = prefix.isEmpty() ? label : prefix + "." + label;
      List<Double> list = scores.computeIfAbsent(label, k -> new ArrayList<>());
      for (BenchmarkResult b : r.getBenchmarkResults()) {
        for (IterationResult i : b.getIterationResults()) {
          list.add(i.getPrimaryResult().getScore());
        }
      }
      for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) {
          allocs.merge(label, e.getValue().getScore(), Math::max);
        }
      }
    }
  }

  /** Median of the iteration scores, or NaN when the benchmark did not run. */
  private double median(String label) {
    List<Double> l = scores.get(label);
    if (l == null || l.isEmpty()) {
      return Double.NaN;
    }
    double[] a = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  private double min(String label) {
    return scores.get(label).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  /** "median (min–max)" of the iteration scores. */
  private String score(String label) {
    return score(label, "%.1f");
  }

  /** "median (min–max)" of the iteration scores, each formatted with {@code fmt}. */
  private String score(String label, String fmt) {
    List<Double> l = scores.get(label);
    if (l == null || l.isEmpty()) {
      return "–";
    }
    double min = l.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = l.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, fmt + " (" + fmt + "–" + fmt + ")", median(label), min, max);
  }

  private String alloc(String label) {
    Double a = allocs.get(label);
    return a == null ? "n/a" : String.format(Locale.ROOT, "%.3f", a);
  }

  String report() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "JVM: %s %s. Per benchmark: %d round(s) x %d fork(s), warm-up %d x %d ms, measurement %d x %d ms"
            + " (JDBC and servlet: warm-up %d x %d ms, measurement %d x %d ms)."
            + " Figures: median (min–max) over all measurement iterations.%n%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        only.contains("calls") || only.contains("jdbc") || only.contains("servlet") || only.contains("api") ? rounds : 1,
        forks, warmup, timeMillis, iterations, timeMillis, ioWarmup, timeMillis, ioIterations, timeMillis));
    if (scores.containsKey("untracked.call")) {
      sb.append("| Case | Untracked ns/call | Timed by hand ns/call | Tracked ns/call | Floor added ns | Tracked added ns | Ratio (medians) | Ratio (minima) | Goal | Tracked alloc B/call |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      row(sb, "1 thread", "call", "floor", 1.25);
      row(sb, "2 threads, same operation", "same2", "floor2", 1.5);
      row(sb, "2 threads, different operations", "different2", "floor2", 1.5);
      sb.append('\n');
    }
    if (scores.containsKey("tracked.handle")) {
      sb.append(String.format(Locale.ROOT,
          "Application API (perfmon-api) around a trivial block: untimed %s ns, timed by hand (floor) %s ns: the floor adds %.1f ns.%n%n",
          score("untracked.plain"), score("untracked.floor"), median("untracked.floor") - median("untracked.plain")));
      sb.append("| Path | Without agent ns/call | With agent ns/call | Added ns (with agent, over untimed) | Added / floor added | With agent alloc B/call |\n");
      sb.append("|---|---:|---:|---:|---:|---:|\n");
      apiRow(sb, "method advice (`methods=`), for comparison", "advice", "advice");
      apiRow(sb, "`Operation` handle: `start()` / `stop(t)`", "handle", "plain");
      apiRow(sb, "`Operation` handle: `trackOperation(runnable)`", "handleTrack", "plain");
      apiRow(sb, "by name: `trackOperation(name, runnable)`", "byName", "plain");
      sb.append('\n');
    }
    if (scores.containsKey("operationRecorder")) {
      sb.append("| Recording one duration (no timing) | 1 thread ns/op | 2 threads, same recorder, ns/op | alloc B/op (1 thread) |\n");
      sb.append("|---|---:|---:|---:|\n");
      recorderRow(sb, "thread-confined array increment (floor)", "arrayIncrement", null);
      recorderRow(sb, "OperationRecorder.record", "operationRecorder", "operationRecorder2");
      recorderRow(sb, "HdrHistogram Recorder.recordValue", "hdrRecorder", "hdrRecorder2");
      recorderRow(sb, "skipped call of a sampled operation (goal ≤ 5 ns)", "sampledOutCall", null);
      sb.append('\n');
    }
    if (scores.containsKey("operationRecorderReadAll")) {
      sb.append("| Snapshot read of 1,000 operations | µs/snapshot |\n|---|---:|\n");
      sb.append("| OperationRecorder.readInto x 1,000 | ").append(score("operationRecorderReadAll")).append(" |\n");
      sb.append("| HdrHistogram Recorder.getIntervalHistogram x 1,000 | ").append(score("hdrIntervalReadAll")).append(" |\n");
      sb.append('\n');
    }
    if (scores.containsKey("scale.cold.2000") || scores.containsKey("scale.warm.2000")) {
      // Wall time (JMH's score) and the benchmark thread's CPU time of the same snapshots.
      sb.append("| Whole snapshot (figures, memory, budgets, JSON line) | Cold: first snapshot of a fresh JVM (10 forks), wall ms | Cold, CPU ms | Warm (40 snapshots after 60), wall ms | Warm, CPU ms |\n");
      sb.append("|---|---:|---:|---:|---:|\n");
      for (String n : new String[] {"2000", "10000"}) {
        sb.append(String.format(Locale.ROOT, "| %,d operations, 3 calls each per interval | %s | %s | %s | %s |%n",
            Integer.parseInt(n), score("scale.cold." + n, "%.2f"), score("scalecpu.cold." + n, "%.2f"),
            score("scale.warm." + n, "%.2f"), score("scalecpu.warm." + n, "%.2f")));
      }
      sb.append('\n');
    }
    if (scores.containsKey("untracked.query") || scores.containsKey("untracked.update")) {
      // Allocation: JMH's gc.alloc.rate.norm (all threads; in these forks only the benchmark thread
      // allocates, and the figure repeats to the byte between iterations).
      sb.append("| JDBC call, H2 in memory, prepared statement | Untracked ns/call | Tracked ns/call | Added ns | Tracked / untracked | Added alloc B/call |\n");
      sb.append("|---|---:|---:|---:|---:|---:|\n");
      ioRow(sb, "`executeQuery` by primary key, 1 row read", "query", "%.0f", true);
      ioRow(sb, "`executeUpdate` of 1 row (auto-commit)", "update", "%.0f", true);
      sb.append('\n');
    }
    if (scores.containsKey("untracked.request")) {
      // No allocation column: the request is served by Tomcat's threads, and what JMH reports per
      // operation then includes Tomcat's background threads (it varied by hundreds of bytes between
      // untracked forks).
      sb.append("| Servlet request, Tomcat 11, 1 keep-alive connection | Untracked µs/request | Tracked µs/request | Added µs | Tracked / untracked |\n");
      sb.append("|---|---:|---:|---:|---:|\n");
      ioRow(sb, "`GET /users/1`, 12-byte body, loopback", "request", "%.2f", false);
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Untracked and tracked figures of one JDBC or servlet benchmark. */
  private void ioRow(StringBuilder sb, String name, String bench, String added, boolean withAlloc) {
    double us = median("untracked." + bench);
    double ts = median("tracked." + bench);
    if (Double.isNaN(us) || Double.isNaN(ts)) {
      return;
    }
    Double ua = allocs.get("untracked." + bench);
    Double ta = allocs.get("tracked." + bench);
    // Allocation: the largest per-round figure of each side (see collect).
    String last = !withAlloc ? ""
        : (ua == null || ta == null ? " n/a |" : String.format(Locale.ROOT, " %.0f |", ta - ua));
    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | " + added + " | **%.3f** |%s%n",
        name, score("untracked." + bench, added), score("tracked." + bench, added), ts - us, ts / us,
        last));
  }

  private void row(StringBuilder sb, String name, String bench, String floorBench, double goal) {
    double us = median("untracked." + bench);
    double fs = median("untracked." + floorBench);
    double ts = median("tracked." + bench);
    if (Double.isNaN(us) || Double.isNaN(fs) || Double.isNaN(ts)) {
      return;
    }
    double floorAdded = fs - us;
    double trackedAdded = ts - us;
    double ratio = trackedAdded / floorAdded;
    double minRatio = (min("tracked." + bench) - min("untracked." + bench))
        / (min("untracked." + floorBench) - min("untracked." + bench));
    sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f | **%.2f** | %.2f | ≤ %.2f %s | %s |%n",
        name, score("untracked." + bench), score("untracked." + floorBench), score("tracked." + bench),
        floorAdded, trackedAdded, ratio, minRatio, goal, ratio <= goal ? "(met)" : "(MISSED)",
        alloc("tracked." + bench)));
  }

  private void recorderRow(StringBuilder sb, String name, String one, String two) {
    sb.append("| ").append(name).append(" | ").append(score(one)).append(" | ")
        .append(two == null ? "–" : score(two)).append(" | ").append(alloc(one)).append(" |\n");
  }
}
