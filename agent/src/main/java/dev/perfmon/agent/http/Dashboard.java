package dev.perfmon.agent.http;

import java.util.Map;

/** The dashboard's page and assets. */
final class Dashboard {
  /** The answer for {@code path}, or null when it is none of the dashboard's. */
  Response serve(String path, Map<String, String> query) {
    if (path.equals("/")) {
      return new Response(
          200,
          "text/html; charset=utf-8",
          Response.bytes("<!doctype html><title>perfmon</title><p><a href=\"stats\">/stats</a> <a href=\"metrics\">/metrics</a>\n"),
          Map.of());
    }
    return null;
  }
}
