package dev.perfmon.agent.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helper: one JSON line into maps/lists/strings/numbers/booleans; fails on trailing content. */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(byte[] line) {
    String s = new String(line, StandardCharsets.UTF_8);
    if (!s.endsWith("\n") || s.indexOf('\n') != s.length() - 1) {
      throw new AssertionError("not exactly one line: " + s);
    }
    try (JsonParser p = FACTORY.createParser(s)) {
      Object v = value(p, p.nextToken());
      if (p.nextToken() != null) {
        throw new AssertionError("trailing content: " + s);
      }
      return (Map<String, Object>) v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          if (map.put(name, value(p, p.nextToken())) != null) {
            throw new AssertionError("duplicate field " + name);
          }
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(p, next));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getDecimalValue().doubleValue();
      }
      case VALUE_TRUE -> {
        return true;
      }
      case VALUE_FALSE -> {
        return false;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new AssertionError("unexpected " + t);
    }
  }
}
