package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.config.Globs;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ServletNamingTest {
  private final OperationRegistry registry = new OperationRegistry(2000, n -> {});

  private String nameOf(int id) {
    return registry.recorders().get(id).name();
  }

  private List<String> servletNames() {
    return registry.recorders().stream()
        .map(OperationRecorder::name)
        .filter(n -> n.startsWith("servlet."))
        .collect(Collectors.toList());
  }

  @Test
  void pathsAreNormalisedPerMethod() {
    ServletNaming naming = new ServletNaming(registry, List.of(), List.of());
    int a = naming.idOf("GET", "/users/1", "", null, 200);
    int b = naming.idOf("GET", "/users/2", "", null, 200);
    int c = naming.idOf("POST", "/users/2", "", null, 201);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
    assertThat(nameOf(a)).isEqualTo("servlet.GET /users/{id}");
    assertThat(nameOf(c)).isEqualTo("servlet.POST /users/{id}");
    assertThat(registry.metadata(a))
        .containsEntry("kind", "servlet")
        .containsEntry("method", "GET")
        .containsEntry("route", "/users/{id}");
  }

  @Test
  void frameworkTemplateWinsAndKeepsTheContextPath() {
    ServletNaming naming = new ServletNaming(registry, List.of(), List.of());
    int root = naming.idOf("GET", "/owners/7", "", "/owners/{ownerId}", 200);
    int shop = naming.idOf("GET", "/shop/owners/7", "/shop", "/owners/{ownerId}", 200);
    // a template that is not a String (Spring 6 PathPattern): its toString() is the template
    Object pattern =
        new Object() {
          @Override
          public String toString() {
            return "/pets/{petId}";
          }
        };
    int pets = naming.idOf("GET", "/pets/3", "", pattern, 404);
    assertThat(nameOf(root)).isEqualTo("servlet.GET /owners/{ownerId}");
    assertThat(nameOf(shop)).isEqualTo("servlet.GET /shop/owners/{ownerId}");
    assertThat(nameOf(pets)).isEqualTo("servlet.GET /pets/{petId}");
  }

  @Test
  void notFoundWithoutRouteIsUnmatchedAndAScanAddsOneOperationPerMethod() {
    ServletNaming naming = new ServletNaming(registry, List.of(), List.of());
    for (int i = 0; i < 5000; i++) {
      naming.idOf("GET", "/probe/" + Integer.toHexString(i * 7919) + "/x" + i + ".php", "", null, 404);
      naming.idOf("POST", "/probe/p" + i, "", null, 404);
      // a catch-all template (Spring's resource handler) does not make a 404 matched
      naming.idOf("GET", "/static/missing" + i, "", "/**", 404);
    }
    assertThat(servletNames())
        .containsExactlyInAnyOrder("servlet.GET {unmatched}", "servlet.POST {unmatched}");
  }

  @Test
  void inventedMethodsShareOneName() {
    ServletNaming naming = new ServletNaming(registry, List.of(), List.of());
    naming.idOf("FOO", "/a", "", null, 200);
    naming.idOf("BAR", "/a", "", null, 200);
    naming.idOf(null, "/a", "", null, 200);
    assertThat(servletNames()).containsExactly("servlet.OTHER /a");
  }

  @Test
  void excludesAndNameRules() {
    List<String> problems = new ArrayList<>();
    List<String[]> rules =
        ServletNaming.parseRules(
            List.of("/api/users/*=>/api/users/{name}", "broken-entry", "/files/*/raw=>files/{path}/raw"),
            problems);
    assertThat(problems).hasSize(1).allMatch(p -> p.contains("broken-entry"));
    ServletNaming naming =
        new ServletNaming(registry, List.of("/health", "/metrics/*"), rules);
    assertThat(naming.idOf("GET", "/health", "", null, 200)).isEqualTo(ServletNaming.EXCLUDED);
    assertThat(naming.idOf("GET", "/metrics/jvm/heap", "", null, 200))
        .isEqualTo(ServletNaming.EXCLUDED);
    assertThat(naming.idOf("GET", "/healthz", "", null, 200)).isNotEqualTo(ServletNaming.EXCLUDED);
    int alice = naming.idOf("GET", "/api/users/alice", "", null, 200);
    int bob = naming.idOf("GET", "/api/users/bob/profile", "", "/api/users/{x}/profile", 404);
    assertThat(alice).isEqualTo(bob);
    assertThat(nameOf(alice)).isEqualTo("servlet.GET /api/users/{name}");
    assertThat(nameOf(naming.idOf("GET", "/files/a/b/raw", "", null, 200)))
        .isEqualTo("servlet.GET /files/{path}/raw");
    // rules see the decoded path without path parameters
    assertThat(naming.idOf("GET", "/metrics;jsessionid=1/x", "", null, 200))
        .isEqualTo(ServletNaming.EXCLUDED);
  }

  @Test
  void theOperationCapStillApplies() {
    OperationRegistry small = new OperationRegistry(3, n -> {});
    ServletNaming naming = new ServletNaming(small, List.of(), List.of());
    for (int i = 0; i < 50; i++) {
      naming.idOf("GET", "/section" + (char) ('a' + i % 26) + "/page" + (char) ('a' + i / 26), "", null, 200);
    }
    assertThat(small.recorders()).hasSize(4); // "other" + 3
    assertThat(small.overflowed()).isTrue();
  }

  @Test
  void pathGlobsSpanSlashes() {
    assertThat(Globs.matches("/api/*", "/api/a/b")).isTrue();
    assertThat(Globs.matches("/api/*", "/api")).isFalse();
    assertThat(Globs.matches("*/raw", "/x/y/raw")).isTrue();
    assertThat(Globs.matches("/a?c", "/abc")).isTrue();
    assertThat(Globs.matches("/a?c", "/ac")).isFalse();
    assertThat(Globs.matches("/a*b*c", "/axxbyyc")).isTrue();
    assertThat(Globs.matches("/a*b*c", "/axxbyy")).isFalse();
    assertThat(Globs.matches("*", "")).isTrue();
  }
}
