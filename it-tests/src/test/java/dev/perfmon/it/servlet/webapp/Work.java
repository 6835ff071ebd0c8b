package dev.perfmon.it.servlet.webapp;

/** A web-app class whose method the agent times ({@code methods=} pattern of RedeployLeakIT). */
public final class Work {
  public long sum(int n) {
    long s = 0;
    for (int i = 1; i <= n; i++) {
      s += i;
    }
    return s;
  }
}
