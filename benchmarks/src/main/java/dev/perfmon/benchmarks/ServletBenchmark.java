package dev.perfmon.benchmarks;

import bench.app.ServletApp;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-request cost of a trivial servlet ({@link bench.app.UsersServlet}) on embedded Tomcat 11,
 * started in the benchmark JVM on 127.0.0.1 (free port) and driven by one keep-alive connection: a
 * raw socket writes a fixed {@code GET /users/1} and reads the response (status line, headers,
 * Content-Length body). Run by {@link BenchmarkRunner} in forks without the agent and with it
 * (servlet instrumentation is on by default): the difference is what the agent's request advice,
 * naming and recording cost per request, on top of the round trip through Tomcat's connector and a
 * worker thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ServletBenchmark {
  /** The path requested; the runner expects its route in the tracked fork's output. */
  static final String PATH = "/users/1";

  private static final byte[] REQUEST =
      ("GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: perfmon-bench\r\nAccept: */*\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

  private ServletApp app;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private final byte[] line = new byte[512];
  private final byte[] body = new byte[4096];

  @Setup(Level.Trial)
  public void start() throws Exception {
    app = ServletApp.start(0);
    socket = new Socket(InetAddress.getLoopbackAddress(), app.port());
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    int status = request();
    if (status != 200) {
      throw new IllegalStateException("GET " + PATH + " answered " + status);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    socket.close();
    app.close();
  }

  /** One request and its complete response over the kept-alive connection; returns the status. */
  @Benchmark
  public int request() throws IOException {
    out.write(REQUEST);
    out.flush();
    return readResponse();
  }

  private int readResponse() throws IOException {
    int n = readLine();
    if (n < 12 || line[0] != 'H') {
      throw new IOException("bad status line");
    }
    int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    long length = -1;
    while ((n = readLine()) > 0) {
      if (startsWithIgnoreCase(CONTENT_LENGTH, n)) {
        length = 0;
        for (int i = CONTENT_LENGTH.length; i < n; i++) {
          byte b = line[i];
          if (b >= '0' && b <= '9') {
            length = length * 10 + (b - '0');
          }
        }
      }
    }
    if (length < 0) {
      throw new IOException("response without Content-Length (chunked is not read by this client)");
    }
    while (length > 0) {
      int r = in.read(body, 0, (int) Math.min(body.length, length));
      if (r < 0) {
        throw new IOException("connection closed in the body");
      }
      length -= r;
    }
    return status;
  }

  /** Reads one header line into {@link #line} without its CRLF; returns its length. */
  private int readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b == '\n') {
        return n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      }
      if (n < line.length) {
        line[n++] = (byte) b;
      }
    }
  }

  private boolean startsWithIgnoreCase(byte[] prefix, int n) {
    if (n < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      byte b = line[i];
      if (b >= 'A' && b <= 'Z') {
        b = (byte) (b + ('a' - 'A'));
      }
      if (b != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
