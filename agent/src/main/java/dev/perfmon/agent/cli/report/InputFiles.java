package dev.perfmon.agent.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files a report reads: each argument is a file, or a directory searched (recursively) for
 * perfmon files ({@code *.jsonl}, rotated {@code *.jsonl.N}, and either gzip-compressed, {@code
 * .gz}). Files of one rotated set are read oldest first ({@code .5}, ..., {@code .1}, then the
 * file itself); a file named twice is read once.
 */
final class InputFiles {
  private static final Pattern NAME = Pattern.compile("(.*\\.jsonl)(?:\\.(\\d+))?(?:\\.gz)?");

  private InputFiles() {}

  /** One file to read, and the name of its rotated set (the path without {@code .N}/{@code .gz}). */
  record Entry(Path path, String source, int rotation) {}

  static List<Entry> expand(List<String> args) throws IOException {
    Map<Path, Entry> found = new LinkedHashMap<>();
    for (String a : args) {
      Path p = Path.of(a);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p, 16)) {
          for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
            Matcher m = NAME.matcher(f.getFileName().toString());
            if (m.matches()) {
              add(found, f, m);
            }
          }
        }
      } else if (Files.isRegularFile(p)) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          add(found, p, m);
        } else {
          // any other name: its own set
          found.putIfAbsent(p.toRealPath(), new Entry(p, p.toAbsolutePath().normalize().toString(), 0));
        }
      } else {
        throw new IOException("no such file or directory: " + a);
      }
    }
    List<Entry> out = new ArrayList<>(found.values());
    out.sort(
        Comparator.comparing(Entry::source)
            .thenComparing(Comparator.comparingInt(Entry::rotation).reversed())
            .thenComparing(e -> e.path().toString()));
    return out;
  }

  private static void add(Map<Path, Entry> found, Path f, Matcher m) throws IOException {
    Path dir = f.toAbsolutePath().normalize().getParent();
    String source = dir == null ? m.group(1) : dir.resolve(m.group(1)).toString();
    int rotation = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    found.putIfAbsent(f.toRealPath(), new Entry(f, source, rotation));
  }
}
