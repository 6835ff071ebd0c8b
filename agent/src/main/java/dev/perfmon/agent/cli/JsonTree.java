package dev.perfmon.agent.cli;

import dev.perfmon.agent.SuppressForbidden;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON value into plain maps, lists, strings, numbers and booleans with jackson-core's
 * streaming parser (the agent ships jackson-core only, no databind).
 */
@SuppressForbidden // a JsonFactory with Jackson's defaults: the command-line tool's own JVM, no host's threads
final class JsonTree {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTree() {}

  static Object parse(String json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      return t == null ? null : value(p, t);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, value(p, p.nextToken()));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(p, next));
        }
        yield list;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      default -> null;
    };
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }

  static double number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : 0;
  }
}
