package example.attach;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps a few hundred JDK methods hot (formatting, regular expressions, maps, streams, decimal
 * arithmetic), so that the JIT compiles them, for the number of milliseconds given as the first
 * argument. {@code example.config.LoopApp$Work#alpha}-style tracking is not needed here: an
 * attach only has to retransform one class, {@link Step}.
 */
public final class JitWorkload {
  private JitWorkload() {}

  public static void main(String[] args) throws Exception {
    long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
    Pattern p = Pattern.compile("([a-z]+)-(\\d+)");
    long sink = 0;
    Step step = new Step();
    int round = 0;
    while (System.nanoTime() < end) {
      Map<String, Integer> counts = new HashMap<>();
      TreeMap<Integer, String> sorted = new TreeMap<>();
      List<String> words = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String s = String.format(Locale.ROOT, "%s-%d", i % 2 == 0 ? "even" : "odd", i);
        Matcher m = p.matcher(s);
        if (m.matches()) {
          counts.merge(m.group(1), Integer.parseInt(m.group(2)), Integer::sum);
          sorted.put(i, m.group(1));
          words.add(s.toUpperCase(Locale.ROOT));
        }
      }
      String joined = words.stream().filter(w -> w.length() > 5).map(String::toLowerCase).collect(Collectors.joining(","));
      BigDecimal d = BigDecimal.valueOf(joined.length()).divide(BigDecimal.valueOf(7), 10, RoundingMode.HALF_UP);
      sink += counts.size() + sorted.firstKey() + d.scale() + step.next(round++);
      if (round % 50 == 0) {
        Thread.sleep(1);
      }
    }
    System.out.println("DONE " + sink);
  }

  /** The one class an attach in the test instruments. */
  public static final class Step {
    public long next(int round) {
      return round & 1;
    }
  }
}
