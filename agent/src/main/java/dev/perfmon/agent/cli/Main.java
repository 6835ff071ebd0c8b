package dev.perfmon.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The command-line tool: {@code java -jar perfmon-agent.jar <command>}. Exit codes: 0 success, 1
 * failure, 2 usage error.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      usage(err);
      return USAGE;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "help":
      case "--help":
      case "-h":
        usage(out);
        return OK;
      case "version":
      case "--version":
        out.println("perfmon-agent " + version());
        return OK;
      case "summary":
        return Summary.run(rest, out, err);
      default:
        err.println("perfmon: unknown command '" + command + "' (" + rest.length + " argument(s)); run 'java -jar perfmon-agent.jar help'");
        return USAGE;
    }
  }

  static void usage(PrintStream out) {
    out.println("perfmon-agent " + version() + ": zero-code-change performance monitor for the JVM");
    out.println();
    out.println("As an agent:  java -javaagent:perfmon-agent.jar[=key=value,...] -jar your-app.jar");
    out.println();
    out.println("Commands:     java -jar perfmon-agent.jar <command>");
    out.println("  help        this text");
    out.println("  version     the agent's version");
    out.println("  summary F   the last snapshot of the JSON Lines file F as a table");
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
