package dev.perfmon.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NestedClassHintTest {
  private static final List<String> LOADED =
      List.of("com.example.Outer", "com.example.Outer$Inner", "com.example.A$B$C", "com.example.Plain");

  @Test
  void aNestedClassWrittenWithADotIsSuggestedWithDollar() {
    assertThat(NestedClassHint.suggest("com.example.Outer.Inner#run", LOADED)).isEqualTo("com.example.Outer$Inner#run");
    assertThat(NestedClassHint.suggest("com.example.Outer.Inner", LOADED)).isEqualTo("com.example.Outer$Inner");
    assertThat(NestedClassHint.suggest("+com.example.Outer.Inner#run(java.lang.String)=op", LOADED))
        .isEqualTo("+com.example.Outer$Inner#run(java.lang.String)=op");
    assertThat(NestedClassHint.suggest("com.example.A.B.C#x", LOADED)).isEqualTo("com.example.A$B$C#x");
    assertThat(NestedClassHint.suggest("com.example.Outer.In*#run", LOADED)).isEqualTo("com.example.Outer$In*#run");
  }

  @Test
  void noHintWhenDollarDoesNotHelp() {
    assertThat(NestedClassHint.suggest("com.example.Missing.Inner#run", LOADED)).isNull();
    assertThat(NestedClassHint.suggest("com.example.Plain#run", LOADED)).isNull();
    assertThat(NestedClassHint.suggest("com.example.Outer$Inner#nothing", LOADED)).isNull();
    assertThat(NestedClassHint.suggest("Outer#run", LOADED)).isNull();
  }
}
