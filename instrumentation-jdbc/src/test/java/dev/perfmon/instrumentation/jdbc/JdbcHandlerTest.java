package dev.perfmon.instrumentation.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.instrumentation.api.Operations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler's naming and caching, without any weaving (no recorders needed for ids). */
class JdbcHandlerTest {

  /** Hands out ids and remembers every name it was asked for and every description. */
  static final class FakeOperations implements Operations {
    final Map<String, Integer> ids = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    final Map<String, String> described = new HashMap<>();

    @Override
    public synchronized int idOf(String name) {
      asked.add(name);
      return ids.computeIfAbsent(name, n -> ids.size() + 1);
    }

    @Override
    public synchronized void describe(int id, String key, String value) {
      described.put(id + "/" + key, value);
    }
  }

  @Test
  void repeatedSqlIsResolvedFromTheCacheWithoutReparsing() {
    FakeOperations ops = new FakeOperations();
    JdbcHandler h = new JdbcHandler(ops, "normalized", 300, 100);
    int first = h.idOf("SELECT * FROM t WHERE id = 1", null);
    for (int i = 0; i < 50; i++) {
      assertThat(h.idOf("SELECT * FROM t WHERE id = 1", null)).isEqualTo(first);
    }
    assertThat(ops.asked).containsExactly("jdbc.SELECT * FROM t WHERE id = ?");
    // A different literal is a different raw text (parsed once), but the same operation.
    assertThat(h.idOf("SELECT * FROM t WHERE id = 2", null)).isEqualTo(first);
    assertThat(ops.asked).hasSize(2);
    assertThat(h.cachedStatements()).isEqualTo(2);
    assertThat(ops.described)
        .containsEntry(first + "/sql", "SELECT * FROM t WHERE id = ?")
        .containsEntry(first + "/kind", "jdbc");
  }

  @Test
  void cacheIsBounded() {
    FakeOperations ops = new FakeOperations();
    JdbcHandler h = new JdbcHandler(ops, "normalized", 300, 100);
    for (int i = 0; i < 10_000; i++) {
      h.idOf("SELECT * FROM t WHERE id = " + i, null);
    }
    assertThat(h.cachedStatements()).isLessThanOrEqualTo(200);
    assertThat(ops.ids).hasSize(1);
  }

  @Test
  void verbTableModeKeepsTheNormalisedSqlAsMetadata() {
    FakeOperations ops = new FakeOperations();
    JdbcHandler h = new JdbcHandler(ops, "verb-table", 300, 100);
    int id = h.idOf("select name from users where email = 'a@b.c'", null);
    assertThat(ops.asked).containsExactly("jdbc.SELECT users");
    assertThat(ops.described).containsEntry(id + "/sql", "select name from users where email = ?");
  }

  @Test
  void nameIsCutAtTheConfiguredLength() {
    FakeOperations ops = new FakeOperations();
    JdbcHandler h = new JdbcHandler(ops, "normalized", 20, 100);
    h.idOf("SELECT a_long_column, another_long_column FROM t", null);
    assertThat(ops.asked).containsExactly("jdbc.SELECT a_long_column...");
  }
}
