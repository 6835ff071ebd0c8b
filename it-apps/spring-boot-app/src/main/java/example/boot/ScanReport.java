package example.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * With {@code -Dscan.report=FILE}: once the application is ready, writes what class-path scanning
 * sees (the bean definitions, and the class files and service files that Spring's resource
 * resolver finds in the whole class path), one sorted line each, so that a test can compare a run
 * with the agent to one without it.
 */
@Component
public class ScanReport {
  private static final String[] PATTERNS = {
    "classpath*:**/*.class", "classpath*:dev/**/*.class", "classpath*:META-INF/services/*", "classpath*:net/bytebuddy/**/*.class"
  };

  @EventListener
  public void ready(ApplicationReadyEvent event) throws IOException {
    String target = System.getProperty("scan.report");
    if (target == null) {
      return;
    }
    ApplicationContext context = event.getApplicationContext();
    List<String> lines = new ArrayList<>();
    String[] beans = context.getBeanDefinitionNames();
    Arrays.sort(beans);
    for (String b : beans) {
      lines.add("bean " + b);
    }
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    for (String pattern : PATTERNS) {
      List<String> found = new ArrayList<>();
      for (Resource r : resolver.getResources(pattern)) {
        found.add(pattern + " " + r.getURL());
      }
      found.sort(null);
      lines.add(pattern + " count " + found.size());
      lines.addAll(found);
    }
    Files.write(Path.of(target), lines, StandardCharsets.UTF_8);
    System.out.println("SCAN REPORT written");
    System.out.flush();
  }
}
