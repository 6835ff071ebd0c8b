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
 * The jar users download: at the root only the manifest and the entry point; everything else under
 * {@code inst/} on an allow-list (everything third-party relocated under dev/perfmon/shaded, class
 * files stored as {@code .classdata}, no bootstrap class files outside the nested bootstrap jar);
 * and the agent manifest.
 */
class ShadedJarIT {
  /** At the root: the manifest and the entry point, which the application's class loader defines. */
  private static final List<String> ROOT = List.of("META-INF/MANIFEST.MF", "dev/perfmon/agent/PerfmonAgent.class", "dev/perfmon/agent/AgentClassLoader.class");

  /** Under {@code inst/}, read by the agent's own class loader only. */
  private static final List<String> ALLOWED_PREFIXES =
      List.of(
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
        boolean allowed =
            ROOT.contains(name)
                || (name.startsWith("inst/") && ALLOWED_PREFIXES.stream().anyMatch(name.substring(5)::startsWith));
        if (!allowed || (name.startsWith("inst/") && name.endsWith(".class"))) {
          unexpected.add(name); // class files under inst/ are stored as .classdata, so no scanner parses them
        }
      }
      assertThat(unexpected).as("entries outside the allow-list").isEmpty();
      assertThat(jar.stream().map(JarEntry::getName)).noneMatch(n -> n.contains("dev/perfmon/bootstrap/"));
      assertThat(jar.getEntry("dev/perfmon/bootstrap/PerfMon.class"))
          .as("bootstrap classes only inside the nested jar")
          .isNull();
      assertThat(jar.getEntry("inst/META-INF/perfmon/perfmon-bootstrap.jar.bin")).isNotNull();
      assertThat(jar.stream().map(java.util.jar.JarEntry::getName))
          .as("byte-buddy-agent (and its attach DLLs) is for the in-process tests only")
          .noneMatch(n -> n.contains("net/bytebuddy/agent/ByteBuddyAgent") || n.endsWith(".dll"));
      // The dashboard's uPlot and its licence, under the agent's package; nothing of its WebJar
      // under META-INF/resources, which web frameworks on the class path would serve.
      for (String f : new String[] {"uPlot.iife.min.js", "uPlot.min.css", "LICENSE"}) {
        assertThat(jar.getEntry("inst/dev/perfmon/agent/http/uplot/" + f)).as(f).isNotNull();
      }
      assertThat(jar.stream().map(java.util.jar.JarEntry::getName)).noneMatch(n -> n.startsWith("META-INF/resources") || n.startsWith("inst/META-INF/resources"));
      assertThat(jar.getEntry("inst/dev/perfmon/api/SlowOperationHandler.classdata"))
          .as("handler API kept under its own name")
          .isNotNull();
      for (String api : new String[] {"PerfMon", "AgentBackend", "Backend", "Operation", "PerformanceMonitor"}) {
        assertThat(jar.getEntry("inst/dev/perfmon/api/" + api + ".classdata"))
            .as("perfmon-api is the application's: the agent binds to the application's copies")
            .isNull();
      }

      Manifest mf = jar.getManifest();
      Attributes a = mf.getMainAttributes();
      assertThat(a.getValue("Premain-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
      assertThat(a.getValue("Agent-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
      assertThat(a.getValue("Main-Class")).isEqualTo("dev.perfmon.agent.PerfmonAgent");
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
