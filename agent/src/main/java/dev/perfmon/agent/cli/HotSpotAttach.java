package dev.perfmon.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HotSpot attach protocol on Linux, spoken directly over the target's UNIX socket instead of
 * through {@code com.sun.tools.attach}. Two cases the JDK's own client cannot handle work here:
 *
 * <ul>
 *   <li>a target in another mount namespace (a container, systemd's {@code PrivateTmp=yes}): the
 *       socket and the trigger file are reached through {@code /proc/<pid>/root} and
 *       {@code /proc/<pid>/cwd}, and the pid inside the namespace ({@code NSpid}) names them;
 *   <li>a target running as another user when this runs as root: the JDK client refuses files
 *       that the current user does not own, while the JVM itself accepts root as a peer.
 * </ul>
 *
 * <p>Protocol: if {@code .java_pid<nspid>} does not exist yet, create {@code .attach_pid<nspid>}
 * in the target's working or temporary directory and send it SIGQUIT; the JVM then starts its
 * attach listener and creates the socket. A request is {@code "1\0<command>\0<arg1>\0<arg2>\0
 * <arg3>\0"}; the reply is a status line (0 = accepted) followed by the command's output.
 */
final class HotSpotAttach {
  private final JvmProcess target;

  HotSpotAttach(JvmProcess target) {
    this.target = target;
  }

  /** The result of one command: the status the JVM returned and its output text. */
  record Reply(int status, String text) {}

  /** Loads a Java agent: {@code jar} is a path as the target sees it. */
  Reply loadAgent(String jar, String options) throws IOException {
    String spec = options == null || options.isEmpty() ? jar : jar + "=" + options;
    return execute("load", "instrument", "false", spec);
  }

  /** The target's system properties, as text in {@link java.util.Properties} format. */
  Reply properties() throws IOException {
    return execute("properties", "", "", "");
  }

  Reply execute(String command, String a1, String a2, String a3) throws IOException {
    Path socket = ensureListener(Duration.ofSeconds(10));
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ByteArrayOutputStream req = new ByteArrayOutputStream();
      for (String part : new String[] {"1", command, a1, a2, a3}) {
        req.writeBytes(part.getBytes(StandardCharsets.UTF_8));
        req.write(0);
      }
      ByteBuffer out = ByteBuffer.wrap(req.toByteArray());
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteArrayOutputStream reply = new ByteArrayOutputStream();
      ByteBuffer in = ByteBuffer.allocate(8192);
      while (ch.read(in) >= 0) {
        in.flip();
        reply.write(in.array(), 0, in.limit());
        in.clear();
      }
      String text = reply.toString(StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String first = (nl < 0 ? text : text.substring(0, nl)).trim();
      int status;
      try {
        status = Integer.parseInt(first);
      } catch (NumberFormatException e) {
        throw new IOException("unexpected reply from the target JVM: " + abbreviate(text));
      }
      return new Reply(status, nl < 0 ? "" : text.substring(nl + 1));
    }
  }

  /** The socket of the target's attach listener, starting the listener when needed. */
  private Path ensureListener(Duration timeout) throws IOException {
    Path socket = target.tmpDir().resolve(".java_pid" + target.nsPid());
    if (Files.exists(socket)) {
      return socket;
    }
    Path trigger = createTrigger();
    try {
      signalQuit();
      long end = System.nanoTime() + timeout.toNanos();
      long sleep = 20;
      while (System.nanoTime() < end) {
        if (Files.exists(socket)) {
          return socket;
        }
        if (!target.isAlive()) {
          throw new IOException("process " + target.pid() + " exited during the attach");
        }
        sleep(sleep);
        sleep = Math.min(200, sleep * 2);
      }
      throw new IOException(
          "process "
              + target.pid()
              + " did not start its attach listener within "
              + timeout.toSeconds()
              + " s (was it started with -XX:+DisableAttachMechanism, or is it hung?)");
    } finally {
      Files.deleteIfExists(trigger);
    }
  }

  private Path createTrigger() throws IOException {
    String name = ".attach_pid" + target.nsPid();
    IOException first = null;
    for (Path dir : new Path[] {target.cwd(), target.tmpDir()}) {
      if (dir == null) {
        continue;
      }
      Path f = dir.resolve(name);
      try {
        Files.deleteIfExists(f);
        Files.createFile(f);
        return f;
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    throw new IOException("cannot create the attach trigger file for process " + target.pid() + ": " + first);
  }

  private void signalQuit() throws IOException {
    Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(target.pid())).redirectErrorStream(true).start();
    try {
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("cannot signal process " + target.pid() + ": " + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  static String abbreviate(String s) {
    String t = s.replace('\n', ' ').trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
