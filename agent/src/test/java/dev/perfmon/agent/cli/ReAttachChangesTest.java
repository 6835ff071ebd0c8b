package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReAttachChangesTest {
  @Test
  void eachChangedKeyWithItsOldAndNewValueWithoutTheSource() {
    Map<String, Object> before = new LinkedHashMap<>();
    before.put("methods", "com.example.A#x (file /etc/app.properties)");
    before.put("interval", "1s (agent argument)");
    before.put("output.file", "/var/log/a.jsonl (agent argument)");
    before.put("slow.threshold.jdbc.*", "50ms (agent argument)");
    Map<String, Object> after = new LinkedHashMap<>(before);
    after.put("interval", "5s (agent argument)");
    after.put("methods", "com.example.A#x (agent argument)"); // same value, another source: unchanged
    after.remove("slow.threshold.jdbc.*");
    after.put("config", "/etc/b.properties (agent argument)");
    assertThat(AttachCommands.changes(before, after))
        .containsExactly(
            "changed (key: old -> new):",
            "  interval: 1s -> 5s",
            "  config: (none) -> /etc/b.properties",
            "  slow.threshold.jdbc.*: 50ms -> (none)");
    assertThat(AttachCommands.changes(before, before)).isEqualTo(List.of("no setting changed"));
    assertThat(AttachCommands.withoutSource("a (b) (default)")).isEqualTo("a (b)");
  }
}
