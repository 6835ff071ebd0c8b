package bench.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time of a real application: how long until the command prints a line starting with a
 * marker (the Spring Boot test application prints {@code READY port=...} once it serves requests).
 * Runs the commands given after {@code --} alternately, {@code runs} times each after one warm-up
 * run, kills each process once it is ready, and prints the median and the range per command.
 *
 * <pre>java -cp benchmarks.jar bench.app.ReadyProbe runs marker -- name1 cmd... -- name2 cmd...</pre>
 */
public final class ReadyProbe {
  private ReadyProbe() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    String marker = args[1];
    List<String> names = new ArrayList<>();
    List<List<String>> commands = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--")) {
        names.add(args[++i]);
        commands.add(new ArrayList<>());
      } else {
        commands.get(commands.size() - 1).add(args[i]);
      }
    }
    long[][] millis = new long[commands.size()][runs];
    for (List<String> c : commands) {
      once(c, marker); // warm-up: page cache, CDS archive
    }
    for (int r = 0; r < runs; r++) {
      for (int c = 0; c < commands.size(); c++) {
        millis[c][r] = once(commands.get(c), marker);
      }
    }
    System.out.println("| Command | Median ms to ready | Range ms |");
    System.out.println("|---|---:|---:|");
    for (int c = 0; c < commands.size(); c++) {
      long[] m = millis[c].clone();
      Arrays.sort(m);
      System.out.printf(java.util.Locale.ROOT, "| %s | %d | %d-%d |%n", names.get(c), m[runs / 2], m[0], m[runs - 1]);
    }
  }

  private static long once(List<String> command, String marker) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(marker)) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      }
      throw new IllegalStateException("no line starting with " + marker + " from " + command);
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
