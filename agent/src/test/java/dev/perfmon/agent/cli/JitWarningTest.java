package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitWarningTest {
  @Test
  void onlyJavaBefore23WithoutAnAgentFromStartUp() {
    assertThat(AttachCommands.discardsCompiledCode(17, "java -jar app.jar")).isTrue();
    assertThat(AttachCommands.discardsCompiledCode(21, "java -cp x Main")).isTrue();
    assertThat(AttachCommands.discardsCompiledCode(22, "java Main")).isTrue();
    assertThat(AttachCommands.discardsCompiledCode(23, "java Main")).isFalse();
    assertThat(AttachCommands.discardsCompiledCode(25, "java Main")).isFalse();
    assertThat(AttachCommands.discardsCompiledCode(-1, "java Main")).as("unknown version: no claim").isFalse();
    assertThat(AttachCommands.discardsCompiledCode(17, "java -javaagent:/opt/perfmon-agent.jar=enabled=false -jar app.jar"))
        .as("capabilities held from start-up")
        .isFalse();
    assertThat(AttachCommands.discardsCompiledCode(17, "java -agentlib:jdwp=transport=dt_socket -jar app.jar")).isFalse();
  }

  @Test
  void theWarningSaysWhatHappensAndHowToAvoidIt() {
    assertThat(AttachCommands.jitWarningText(17))
        .startsWith("warning: on Java 17 ")
        .contains("JDK-8324241")
        .contains("-javaagent:perfmon-agent.jar=enabled=false")
        .contains(AttachCommands.NO_JIT_WARNING)
        .doesNotContain("\n");
  }
}
