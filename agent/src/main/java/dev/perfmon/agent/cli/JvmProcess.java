package dev.perfmon.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc} tells about a process that may be a JVM: its command line, owner, pid inside
 * its own pid namespace, its root and temporary directories as seen from here, and the Java
 * version of its runtime. Linux only.
 */
final class JvmProcess {
  private static final Path PROC = Path.of("/proc");

  private final long pid;
  private final List<String> cmdline;
  private final long uid;
  private final long nsPid;

  private JvmProcess(long pid, List<String> cmdline, long uid, long nsPid) {
    this.pid = pid;
    this.cmdline = cmdline;
    this.uid = uid;
    this.nsPid = nsPid;
  }

  /** The process, or empty when there is no such process (or it vanished while being read). */
  static Optional<JvmProcess> of(long pid) {
    Path dir = PROC.resolve(Long.toString(pid));
    try {
      byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
      List<String> args = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (start < raw.length) {
        args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
      }
      long uid = -1;
      long ns = pid;
      // The fields are trimmed before the split, so there are no trailing empty fields for the
      // limit to keep: the last one is the last number on the line.
      for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          uid = effectiveUid(line);
        } else if (line.startsWith("NSpid:")) {
          String[] parts = line.substring(6).trim().split("\\s+", -1);
          ns = Long.parseLong(parts[parts.length - 1]);
        }
      }
      return Optional.of(new JvmProcess(pid, List.copyOf(args), uid, ns));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The effective uid from a {@code Uid:} line of /proc/<pid>/status (real, effective, saved, fs). */
  static long effectiveUid(String uidLine) {
    // Trimmed first, so there are no trailing empty fields for the limit to keep.
    return Long.parseLong(uidLine.substring(4).trim().split("\\s+", -1)[1]);
  }

  /** Every process on this machine that looks like a JVM. */
  static List<JvmProcess> all() {
    List<JvmProcess> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (pid == ProcessHandle.current().pid()) {
          continue;
        }
        of(pid).filter(JvmProcess::isJvm).ifPresent(out::add);
      }
    } catch (IOException e) {
      return out;
    }
    out.sort((a, b) -> Long.compare(a.pid, b.pid));
    return out;
  }

  long pid() {
    return pid;
  }

  long uid() {
    return uid;
  }

  long nsPid() {
    return nsPid;
  }

  List<String> cmdline() {
    return cmdline;
  }

  boolean isAlive() {
    return Files.exists(PROC.resolve(Long.toString(pid)));
  }

  /** A JVM: its executable is a {@code java} launcher (or its command line says so). */
  boolean isJvm() {
    Optional<Path> exe = executable();
    if (exe.isPresent()) {
      String n = exe.get().getFileName().toString();
      if (n.equals("java") || n.equals("javaw")) {
        return true;
      }
    }
    if (cmdline.isEmpty()) {
      return false;
    }
    String first = cmdline.get(0);
    return first.equals("java") || first.endsWith("/java");
  }

  /** The resolved executable, when readable (same user or root). */
  Optional<Path> executable() {
    try {
      return Optional.of(Files.readSymbolicLink(PROC.resolve(pid + "/exe")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /** The Java feature version of the target's runtime (from its {@code release} file), or -1. */
  int javaFeatureVersion() {
    Optional<Path> exe = executable();
    if (exe.isEmpty()) {
      return -1;
    }
    // The executable path is inside the target's mount namespace: read it through its root.
    Path inTarget = exe.get();
    Path home = inTarget.getParent() == null ? null : inTarget.getParent().getParent();
    if (home == null) {
      return -1;
    }
    Path release = root().resolve(home.toString().substring(1)).resolve("release");
    try {
      for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          if (v.startsWith("1.")) {
            return Integer.parseInt(v.substring(2, 3));
          }
          int end = 0;
          while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
          }
          return Integer.parseInt(v.substring(0, end));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** The target's root directory as seen from here ({@code /proc/<pid>/root}). */
  Path root() {
    return PROC.resolve(pid + "/root");
  }

  /** The target's working directory as seen from here, or null when not accessible. */
  Path cwd() {
    Path p = PROC.resolve(pid + "/cwd");
    return Files.isDirectory(p) ? p : null;
  }

  /** The target's {@code /tmp} as seen from here (through its root when accessible). */
  Path tmpDir() {
    Path viaRoot = root().resolve("tmp");
    return Files.isDirectory(viaRoot) ? viaRoot : Path.of("/tmp");
  }

  /** True when the target sees the same files as this process (same mount namespace). */
  boolean sameMountNamespace() {
    try {
      return Files.readSymbolicLink(PROC.resolve("self/ns/mnt"))
          .equals(Files.readSymbolicLink(PROC.resolve(pid + "/ns/mnt")));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  boolean attachDisabled() {
    return cmdline.contains("-XX:+DisableAttachMechanism");
  }

  /** The main class, {@code -jar} file or module, as a user would recognise it. */
  String mainName() {
    for (int i = 1; i < cmdline.size(); i++) {
      String a = cmdline.get(i);
      switch (a) {
        case "-cp", "-classpath", "--class-path", "-p", "--module-path", "--add-modules",
            "--add-opens", "--add-exports", "--add-reads", "--patch-module", "--limit-modules",
            "--upgrade-module-path" -> i++;
        case "-jar", "-m", "--module" -> {
          return i + 1 < cmdline.size() ? cmdline.get(i + 1) : "?";
        }
        default -> {
          if (!a.startsWith("-")) {
            return a;
          }
        }
      }
    }
    return "?";
  }

  /** When this process started (from /proc, one-second resolution), if the JDK can tell. */
  Optional<java.time.Instant> startInstant() {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
  }

  /** Where the agent inside this JVM keeps its status file, as seen from here. */
  Path statusFile() {
    return tmpDir().resolve(".perfmon-" + nsPid + ".json");
  }

  @Override
  public String toString() {
    return pid + " " + mainName();
  }
}
