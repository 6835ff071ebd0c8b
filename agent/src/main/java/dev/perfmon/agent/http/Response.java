package dev.perfmon.agent.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer of {@link Routes}: status, content type, body and further headers. Immutable
 * once built.
 */
@SuppressWarnings("ArrayRecordComponent") // written once to the socket, never compared or hashed
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  static Response text(int status, String text) {
    return new Response(status, "text/plain; charset=utf-8", bytes(text), Map.of());
  }

  static Response json(int status, byte[] body) {
    return new Response(status, "application/json", body, Map.of());
  }

  static Response jsonError(int status, String message) {
    StringBuilder b = new StringBuilder("{\"error\":\"");
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c < 0x20 ? ' ' : c);
    }
    return json(status, bytes(b.append("\"}\n").toString()));
  }

  Response withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Response(status, contentType, body, h);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
