package bench.app;

/**
 * The methods the benchmarks call. Outside {@code dev.perfmon.*} so that the agent may track them
 * (the agent never instruments its own packages, and method patterns may not name them). Whether a
 * method is tracked depends only on the JVM it runs in: the runner starts the tracked forks with
 * {@code -javaagent:perfmon-agent.jar=methods=bench.app.Target#a;bench.app.Target#b}.
 */
public final class Target {
  private Target() {}

  /** A trivial method: the overhead of tracking it is all there is to see. */
  public static long a(long x) {
    return x * 31 + 7;
  }

  /** A second trivial method, tracked as a different operation. */
  public static long b(long x) {
    return x * 37 + 11;
  }
}
