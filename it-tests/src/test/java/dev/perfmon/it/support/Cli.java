package dev.perfmon.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the agent jar's command-line tool ({@code java -jar perfmon-agent.jar ...}) on a
 * given JDK: its exit code and everything it printed.
 */
public record Cli(int code, String out, String err) {
  /** Runs the tool with {@code args} (stdin empty) and waits at most 90 s for it. */
  public static Cli run(Jdk jdk, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(jdk.java().toString(), "-jar", ForkedJvm.agentJar().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    return new Cli(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
  }
}
