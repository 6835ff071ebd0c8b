package dev.perfmon.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}) driven over the DevTools protocol (a
 * WebSocket to the page target), recording what a page does: console errors and uncaught
 * exceptions, and the URL of every request it makes.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> loaded = new CompletableFuture<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  public static HeadlessChromium start(int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("perfmon-chromium");
    Process p =
        new ProcessBuilder(
                "/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    String browserUrl = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String line;
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < end && (line = err.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        browserUrl = m.group(1);
        break;
      }
    }
    if (browserUrl == null) {
      p.destroyForcibly();
      throw new IllegalStateException("chromium did not start:\n" + seen);
    }
    Thread drain = new Thread(() -> {
      try {
        err.transferTo(java.io.Writer.nullWriter());
      } catch (IOException ignored) {
        // chromium ended
      }
    });
    drain.setDaemon(true);
    drain.start();
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    String list =
        http.send(
                HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    String pageUrl = null;
    for (JsonNode t : JSON.readTree(list)) {
      if (t.path("type").asText().equals("page")) {
        pageUrl = t.path("webSocketDebuggerUrl").asText();
      }
    }
    if (pageUrl == null) {
      p.destroyForcibly();
      throw new IllegalStateException("no page target: " + list);
    }
    HeadlessChromium[] self = new HeadlessChromium[1];
    CompletableFuture<HeadlessChromium> ready = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(pageUrl),
                new WebSocket.Listener() {
                  private final StringBuilder buf = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    buf.append(data);
                    if (last) {
                      String msg = buf.toString();
                      buf.setLength(0);
                      try {
                        ready.get().onMessage(JSON.readTree(msg));
                      } catch (Exception e) {
                        // a message we cannot read: ignore
                      }
                    }
                    webSocket.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    self[0] = new HeadlessChromium(p, profile, ws);
    ready.complete(self[0]);
    for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
      self[0].call(domain + ".enable", JSON.createObjectNode());
    }
    return self[0];
  }

  private void onMessage(JsonNode msg) {
    if (msg.has("id")) {
      CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
      if (f != null) {
        f.complete(msg);
      }
      return;
    }
    String method = msg.path("method").asText();
    JsonNode params = msg.path("params");
    switch (method) {
      case "Runtime.consoleAPICalled" -> {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert") || type.equals("warning")) {
          errors.add("console." + type + ": " + params.path("args"));
        }
      }
      case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
      case "Log.entryAdded" -> {
        String level = params.path("entry").path("level").asText();
        if (level.equals("error") || level.equals("warning")) {
          errors.add("log." + level + ": " + params.path("entry").path("text").asText() + " " + params.path("entry").path("url").asText());
        }
      }
      case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
      case "Page.loadEventFired" -> loaded.complete(null);
      default -> {}
    }
  }

  /** Sends one command and waits for its result (fails on a protocol error). */
  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode reply = f.get(60, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.path("result");
  }

  /** Opens {@code url} and waits for its load event, then {@code settle} more. */
  public void open(String url, Duration settle) throws Exception {
    ObjectNode p = JSON.createObjectNode();
    p.put("url", url);
    call("Page.navigate", p);
    loaded.get(60, TimeUnit.SECONDS);
    Thread.sleep(settle.toMillis());
  }

  /** Evaluates an expression in the page and returns its value (JSON). */
  public JsonNode evaluate(String expression) throws Exception {
    ObjectNode p = JSON.createObjectNode();
    p.put("expression", expression);
    p.put("returnByValue", true);
    JsonNode r = call("Runtime.evaluate", p);
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluation failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** A PNG of the whole page (at most {@code maxHeight} pixels high). */
  public byte[] screenshot(int width, int maxHeight) throws Exception {
    int height = Math.min(maxHeight, evaluate("document.documentElement.scrollHeight").asInt(800));
    ObjectNode m = JSON.createObjectNode();
    m.put("width", width);
    m.put("height", height);
    m.put("deviceScaleFactor", 1);
    m.put("mobile", false);
    call("Emulation.setDeviceMetricsOverride", m);
    Thread.sleep(300);
    ObjectNode p = JSON.createObjectNode();
    p.put("format", "png");
    return java.util.Base64.getDecoder().decode(call("Page.captureScreenshot", p).path("data").asText());
  }

  /** Console errors and warnings, uncaught exceptions, and browser log errors, in order. */
  public List<String> errors() {
    return errors;
  }

  /** Every URL the page requested (the page itself included). */
  public List<String> requests() {
    return requests;
  }

  @Override
  public void close() throws IOException {
    try {
      socket.abort();
    } finally {
      // Chromium's helper processes (network service, GPU, renderers) can outlive the browser
      // process by a moment and still write into the profile: stop and await them too, and
      // delete the profile without failing on files that come and go meanwhile (CI once saw
      // NoSuchFileException for a temp file of the network service's state).
      List<ProcessHandle> helpers = process.descendants().toList();
      process.destroy();
      helpers.forEach(ProcessHandle::destroy);
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        for (ProcessHandle h : helpers) {
          h.onExit().get(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        helpers.forEach(ProcessHandle::destroyForcibly);
      }
      deleteProfile();
    }
  }

  /** Deletes the temporary profile, a few passes at most; files that vanish meanwhile are fine. */
  private void deleteProfile() throws IOException {
    for (int pass = 0; pass < 3 && Files.exists(profile); pass++) {
      Files.walkFileTree(
          profile,
          new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes a) throws IOException {
              Files.deleteIfExists(f);
              return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path f, IOException e) {
              return java.nio.file.FileVisitResult.CONTINUE; // gone before it was visited
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, IOException e) {
              try {
                Files.deleteIfExists(d);
              } catch (IOException notEmpty) {
                // a file appeared meanwhile: the next pass takes it
              }
              return java.nio.file.FileVisitResult.CONTINUE;
            }
          });
    }
  }
}
