package dev.perfmon.agent.cli;

import dev.perfmon.agent.SuppressForbidden;
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

  @SuppressForbidden // the command-line tool runs in its own JVM and talks to its user on stdout/stderr
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
    return switch (command) {
      case "help", "--help", "-h" -> {
        usage(out);
        yield OK;
      }
      case "version", "--version" -> {
        out.println("perfmon-agent " + version());
        yield OK;
      }
      case "summary" -> Summary.run(rest, out, err);
      case "csv" -> Csv.run(rest, out, err);
      case "report" -> dev.perfmon.agent.cli.report.ReportCommand.run(rest, out, err);
      case "list" -> new AttachCommands(out, err).list();
      case "attach" -> new AttachCommands(out, err).attach(rest);
      case "detach" -> new AttachCommands(out, err).detach(rest);
      case "status" -> new AttachCommands(out, err).status(rest);
      default -> {
        err.println("perfmon: unknown command '" + command + "' (" + rest.length + " argument(s)); run 'java -jar perfmon-agent.jar help'");
        yield USAGE;
      }
    };
  }

  static void usage(PrintStream out) {
    out.println("perfmon-agent " + version() + ": zero-code-change performance monitor for the JVM");
    out.println();
    out.println("As an agent:  java -javaagent:perfmon-agent.jar[=key=value,...] -jar your-app.jar");
    out.println();
    out.println("Commands:     java -jar perfmon-agent.jar <command>   (exit codes: 0 ok, 1 failure, 2 usage)");
    out.println("  help                          this text");
    out.println("  version                       the agent's version");
    out.println("  list                          the JVMs you can attach to, and whether perfmon runs in them");
    out.println("  attach <pid|name> [k=v ...]   start perfmon in a running JVM, or change the settings given there");
    out.println("    --reset                     (attach) start from the defaults, not from the configuration in effect");
    out.println("                                (options as in agent.properties, e.g. config=/etc/app/agent.properties)");
    out.println("    --no-jit-warning            (attach) no note that Java 17 to 22 recompile after a first attach");
    out.println("  detach <pid|name>             final snapshot, then remove perfmon from that JVM");
    out.println("  status <pid|name>             whether perfmon runs there, its version, configuration and output");
    out.println("  summary <file>                the last snapshot of a JSON Lines file as a table");
    out.println("  csv [--memory] <file> [glob]  every snapshot as CSV, one row per operation (or memory reading)");
    out.println("  report <file|dir>... [--since 2h] [--until T] [--scope PREFIX] [--top N] [--by-jvm] [--json] [--html OUT.html]");
    out.println("                                merge many files and JVMs: operations by total time (docs/report.md)");
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
