package dev.perfmon.it.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.it.support.ForkedJvm;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The jar users download: entries on an allow-list (everything third-party relocated under
 * dev/perfmon/shaded, no bootstrap class files outside the nested bootstrap jar) and the agent
 * manifest.
 */
class ShadedJarIT {
  private static final List<String> ALLOWED_PREFIXES =
      List.of(
          "META-INF/MANIFEST.MF",
          "META-INF/perfmon/perfmon-bootstrap.jar.bin",
          "META-INF/services/dev.perfmon.",
          "META-INF/licenses/",
          "dev/perfmon/agent/",
          // the custom-handler API, deliberately not relocated: users' handlers link against it
          "dev/perfmon/api/",
          "dev/perfmon/config/",
          "dev/perfmon/instrumentation/",
          "dev/perfmon/shaded/");

  @Test
  void everyEntryIsOurOwnOrRelocated() throws Exception {
    List<String> unexpected = new ArrayList<>();
    try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.endsWith("/")) {
          continue;
        }
        if (ALLOWED_PREFIXES.stream().noneMatch(name::startsWith)) {
          unexpected.add(name);
        }
      }
      assertThat(unexpected).as("entries outside the allow-list").isEmpty();
      assertThat(jar.getEntry("dev/perfmon/bootstrap/PerfMon.class"))
          .as("bootstrap classes only inside the nested jar")
          .isNull();
      assertThat(jar.getEntry("META-INF/perfmon/perfmon-bootstrap.jar.bin")).isNotNull();
      assertThat(jar.stream().map(java.util.jar.JarEntry::getName))
          .as("byte-buddy-agent (and its attach DLLs) is for the in-process tests only")
          .noneMatch(n -> n.contains("net/bytebuddy/agent/ByteBuddyAgent") || n.endsWith(".dll"));
      // The dashboard's uPlot and its licence, under the agent's package; nothing of its WebJar
      // under META-INF/resources, which web frameworks on the class path would serve.
      for (String f : new String[] {"uPlot.iife.min.js", "uPlot.min.css", "LICENSE"}) {
        assertThat(jar.getEntry("dev/perfmon/agent/http/uplot/" + f)).as(f).isNotNull();
      }
      assertThat(jar.stream().map(java.util.jar.JarEntry::getName)).noneMatch(n -> n.startsWith("META-INF/resources"));
      assertThat(jar.getEntry("dev/perfmon/api/SlowOperationHandler.class"))
          .as("handler API kept under its own name")
          .isNotNull();
      for (String api : new String[] {"PerfMon", "AgentBackend", "Backend", "Operation", "PerformanceMonitor"}) {
        assertThat(jar.getEntry("dev/perfmon/api/" + api + ".class"))
            .as("perfmon-api is the application's: a copy in the agent jar (on the system class path)"
                + " would shadow the application's own under parent-first delegation")
            .isNull();
      }

      Manifest mf = jar.getManifest();
      Attributes a = mf.getMainAttributes();
      assertThat(a.getValue("Premain-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
      assertThat(a.getValue("Agent-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
      assertThat(a.getValue("Main-Class")).isEqualTo("dev.perfmon.agent.cli.Main");
      assertThat(a.getValue("Can-Retransform-Classes")).isEqualTo("true");
      assertThat(a.getValue("Can-Redefine-Classes")).isEqualTo("true");
      assertThat(a.getValue("Implementation-Version")).isNotBlank();

      long deflated = jar.stream().filter(e -> e.getMethod() != java.util.zip.ZipEntry.STORED).count();
      assertThat(deflated).as("entries stored, not deflated: classes load faster at start-up").isZero();
    }
    try (java.util.jar.JarInputStream in =
        new java.util.jar.JarInputStream(java.nio.file.Files.newInputStream(ForkedJvm.agentJar()))) {
      assertThat(in.getManifest()).as("the manifest is among the first entries, for stream readers").isNotNull();
      assertThat(in.getManifest().getMainAttributes().getValue("Premain-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
    }
  }
}
