package dev.perfmon.it.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.Jdk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Secrets planted in every part of a request (path segments, path parameters, encoded {@code ?},
 * {@code #} and {@code ;}, query string, fragment, user-info, headers, cookies, body) never reach
 * any output of the agent: the JSONL file (snapshots and slow events), the forked JVM's stdout and
 * stderr (the agent's log at debug level, with a slow-call line per request), and the status file.
 * Every request is slow ({@code slow.threshold=1ns}), so every one that reaches a servlet makes a
 * slow event carrying its path. Requests go over a raw socket so that the request line is sent
 * exactly as written. Tomcat 11 and Jetty 12 on every configured JDK.
 */
class SecretsIT {
  static List<Arguments> apps() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (String app : List.of("servlet-tomcat11", "servlet-jetty12")) {
        out.add(Arguments.of(app, jdk));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("apps")
  void plantedSecretsReachNoOutput(String module, Jdk jdk) throws Exception {
    Random rnd = new Random(0x5ec7e75L);
    Map<String, String> secrets = new LinkedHashMap<>();
    List<String> requests = new ArrayList<>();
    String body = "password=" + secret(rnd, secrets, "body") + "&card=" + digits(rnd, secrets, "body-number");
    String encoded = percentEncode(secret(rnd, secrets, "encoded-segment"));

    AgentOutput out;
    String status;
    String stdout;
    String stderr;
    List<Integer> statuses = new ArrayList<>();
    try (ServletApps.App app =
        ServletApps.App.start(
            jdk, module, "interval=2s,output.file=stats.jsonl,slow.threshold=1ns,log.level=debug")) {
      URI base = URI.create(app.base);
      String host = base.getHost() + ":" + base.getPort();
      requests.add(get("/users/" + secret(rnd, secrets, "segment")));
      requests.add(get("/reset/" + secret(rnd, secrets, "unmatched-segment")));
      requests.add(get("/users/42;jsessionid=" + secret(rnd, secrets, "path-parameter")));
      requests.add(get("/users;jsessionid=" + secret(rnd, secrets, "path-parameter-2") + "/7"));
      requests.add(get("/users/a%3Fpassword=" + secret(rnd, secrets, "encoded-question-mark")));
      requests.add(get("/users/b%3fx/" + secret(rnd, secrets, "after-encoded-question-mark")));
      requests.add(get("/users/c%23" + secret(rnd, secrets, "encoded-hash")));
      requests.add(get("/users/d%3Bjsessionid=" + secret(rnd, secrets, "encoded-semicolon")));
      requests.add(get("/users/e%253Fpassword=" + secret(rnd, secrets, "double-encoded-question-mark")));
      requests.add(get("/users/1?token=" + secret(rnd, secrets, "query") + "&password=" + secret(rnd, secrets, "query-2")));
      requests.add(get("/users/2?next=%2Fusers%2F" + secret(rnd, secrets, "query-encoded")));
      requests.add(get("/users/3#" + secret(rnd, secrets, "fragment")));
      requests.add(get("/users/" + encoded));
      requests.add(get("/users/reset-" + secret(rnd, secrets, "embedded-segment") + ".json"));
      requests.add(get("/users/" + digits(rnd, secrets, "number-segment")));
      requests.add(get("/nothing/here%3Fpassword=" + secret(rnd, secrets, "unmatched-encoded-question-mark")));
      requests.add(get("/async;jsessionid=" + secret(rnd, secrets, "async-path-parameter")));
      requests.add(get("/boom;jsessionid=" + secret(rnd, secrets, "error-path-parameter")));
      requests.add(
          "GET http://user:" + secret(rnd, secrets, "user-info") + "@" + host + "/users/4 HTTP/1.1\r\n");
      requests.add(
          get("/users/5")
              + "Authorization: Bearer " + secret(rnd, secrets, "authorization-header") + "\r\n"
              + "X-Api-Key: " + secret(rnd, secrets, "custom-header") + "\r\n"
              + "Cookie: JSESSIONID=" + secret(rnd, secrets, "session-cookie") + "; remember=" + secret(rnd, secrets, "cookie") + "\r\n");
      requests.add(
          "POST /users/6 HTTP/1.1\r\n"
              + "Content-Type: application/x-www-form-urlencoded\r\n"
              + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
              + "\r\n" // headers end here; raw() adds Host and Connection before this
              + body);
      for (String r : requests) {
        statuses.add(raw(base, host, r));
      }
      // The status file is rewritten at each snapshot (every 2 s): wait until it counts the
      // servlet operations, then read it before the JVM exits and deletes it.
      Path statusFile = Path.of("/tmp", ".perfmon-" + app.jvm.javaPid() + ".json");
      AgentOutput.await(app.dir.resolve("stats.jsonl"), o -> o.snapshots().size() >= 2, Duration.ofSeconds(60));
      status = AgentOutput.awaitNonEmpty(statusFile);
      out = app.stopAndRead();
      stdout = app.jvm.stdout();
      stderr = app.jvm.stderr();
    }

    // The requests did what they should: most reached a servlet and were answered.
    assertThat(statuses).as("statuses of %s", requests).contains(200, 201, 404, 500);
    List<JsonNode> slow = out.ofType("slow");
    List<String> paths = new ArrayList<>();
    for (JsonNode s : slow) {
      paths.add(s.path("metadata").path("path").asText());
    }
    assertThat(paths)
        .as("paths of the slow events")
        .contains("/users/{token}", "/reset/{token}", "/users/{id}", "/users/a", "/users/b", "/async", "/boom")
        .allSatisfy(p -> assertThat(p).startsWith("/").doesNotContain("?", "#", ";", "%3F", "%3f", "%23", "%3B"));
    assertThat(stderr).as("the log handler wrote slow-call lines").contains("slow call: servlet.GET /users/{token}");
    assertThat(status).contains("\"version\"");
    assertThat(out.lastSnapshot().path("agent").path("suppressedErrors").asLong()).isZero();

    Map<String, String> outputs = new LinkedHashMap<>();
    outputs.put("stats.jsonl", out.text());
    outputs.put("stdout", stdout);
    outputs.put("stderr", stderr);
    outputs.put("status file", status);
    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> o : outputs.entrySet()) {
      String all = o.getValue().toLowerCase(Locale.ROOT);
      String agentOnly = agentLines(all);
      for (Map.Entry<String, String> s : secrets.entrySet()) {
        // Tomcat rejects a raw '#' in the request line before any servlet runs, and logs the
        // request line itself (its own JUL line on stderr, not the agent's): for that one secret,
        // stderr is scanned for the agent's lines only.
        String text = s.getKey().equals("fragment") && o.getKey().equals("stderr") ? agentOnly : all;
        if (text.contains(s.getValue().toLowerCase(Locale.ROOT))) {
          leaks.add(s.getKey() + " in " + o.getKey());
        }
      }
    }
    assertThat(leaks).as("secrets found in outputs (%d secrets planted)", secrets.size()).isEmpty();
    assertThat(secrets).hasSizeGreaterThan(25);
  }

  /** The lines the agent wrote (its logger names itself {@code perfmon}). */
  private static String agentLines(String stderr) {
    StringBuilder sb = new StringBuilder();
    for (String line : stderr.lines().toList()) {
      if (line.contains("perfmon")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\n";
  }

  /** 32 hex digits with letters, remembered under {@code name}. */
  private static String secret(Random rnd, Map<String, String> secrets, String name) {
    String s = String.format(Locale.ROOT, "%016x%016x", rnd.nextLong() | 1L << 62, rnd.nextLong());
    s = "c" + s.substring(1); // always a letter: never an all-digit {id}
    secrets.put(name, s);
    return s;
  }

  private static String digits(Random rnd, Map<String, String> secrets, String name) {
    StringBuilder sb = new StringBuilder("4");
    while (sb.length() < 20) {
      sb.append(rnd.nextInt(10));
    }
    secrets.put(name, sb.toString());
    return sb.toString();
  }

  private static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      sb.append(String.format(Locale.ROOT, "%%%02X", (int) s.charAt(i)));
    }
    return sb.toString();
  }

  /**
   * Sends one request over its own connection, exactly as written (request line and extra headers
   * from {@code request}; Host and Connection added), and returns the response status (-1 when the
   * server closed the connection without one).
   */
  private static int raw(URI base, String host, String request) throws IOException {
    String head = request;
    String tail = "";
    int blank = request.indexOf("\r\n\r\n");
    if (blank >= 0) {
      head = request.substring(0, blank + 2);
      tail = request.substring(blank + 2);
    }
    String text = head + "Host: " + host + "\r\nConnection: close\r\n" + (tail.isEmpty() ? "\r\n" : tail);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.setSoTimeout(20_000);
      OutputStream os = socket.getOutputStream();
      os.write(text.getBytes(StandardCharsets.UTF_8));
      os.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          response.write(buf, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // keep what arrived
      }
      String r = response.toString(StandardCharsets.ISO_8859_1);
      if (!r.startsWith("HTTP/1.1 ") || r.length() < 12) {
        return -1;
      }
      return Integer.parseInt(r.substring(9, 12));
    }
  }

}
