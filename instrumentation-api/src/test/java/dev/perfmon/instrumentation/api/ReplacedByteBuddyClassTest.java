package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivilegedAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import net.bytebuddy.agent.builder.PerfmonTransformerFactory;
import org.junit.jupiter.api.Test;

/**
 * The agent jar replaces one Byte Buddy class, {@code
 * AgentBuilder$Default$ExecutingTransformer$Factory$CreationAction} (see {@link
 * PerfmonTransformerFactory} and the shade filter in {@code agent/pom.xml}). The replacement was
 * written against the class of the Byte Buddy release recorded here; this test fails when the Byte
 * Buddy on the class path (the root POM's {@code bytebuddy.version}) holds another class, or uses
 * it differently, so that an upgrade cannot silently change what the agent's transformer does.
 */
class ReplacedByteBuddyClassTest {
  private static final String CLASS =
      "net/bytebuddy/agent/builder/AgentBuilder$Default$ExecutingTransformer$Factory$CreationAction";
  private static final String FACTORY = "net.bytebuddy.agent.builder.AgentBuilder$Default$ExecutingTransformer$Factory";
  private static final String USER = "net/bytebuddy/agent/builder/AgentBuilder$Default$ExecutingTransformer";

  /** The release the replacement was checked against, and SHA-256 of its original class file. */
  private static final String CHECKED_VERSION = "1.18.14";
  private static final String CHECKED_SHA256 =
      "d68cd902c0ca12918d0466c46d0eded144febb182471dcb2253e83e9aa12ab4b";

  private static final String WHAT_TO_DO =
      " The agent jar replaces this class with instrumentation-api/src/main/creation-action/...$CreationAction.java,"
          + " whose factory (PerfmonTransformerFactory.ModuleAware) re-implements in source what the"
          + " original's run() generates at run time. Compare the new original (javap -c -p) with that"
          + " source: run() must still only build a subclass of ExecutingTransformer whose transform(Module, ...)"
          + " delegates to transform(Object, ...), and ExecutingTransformer must still take its factory from"
          + " CreationAction.INSTANCE. Adapt PerfmonTransformerFactory if needed, then record the new version and hash"
          + " in this test.";

  @Test
  void byteBuddysOriginalIsTheOneTheReplacementWasWrittenAgainst() throws Exception {
    URL original = originalInByteBuddysJar(CLASS);
    String version = byteBuddyVersion(original);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(read(original)));
    assertThat(sha256)
        .as("Byte Buddy %s changed %s (checked against Byte Buddy %s).%s", version, CLASS, CHECKED_VERSION, WHAT_TO_DO)
        .isEqualTo(CHECKED_SHA256);
    String user = new String(read(originalInByteBuddysJar(USER + ".class")), StandardCharsets.ISO_8859_1);
    assertThat(user)
        .as("Byte Buddy %s: ExecutingTransformer no longer refers to %s, so the replacement would never run.%s",
            version, CLASS, WHAT_TO_DO)
        .contains(CLASS);
  }

  @Test
  void theReplacementHasTheOriginalsShapeAndReturnsOurFactory() throws Exception {
    URL original = originalInByteBuddysJar(CLASS);
    JarURLConnection c = (JarURLConnection) original.openConnection();
    URL jar = c.getJarFileURL();
    String name = CLASS.replace('/', '.');
    try (URLClassLoader byteBuddyOnly = new URLClassLoader(new URL[] {jar}, null)) {
      Class<?> theirs = Class.forName(name, false, byteBuddyOnly);
      Class<?> ours = Class.forName(name, false, ReplacedByteBuddyClassTest.class.getClassLoader());
      assertThat(ours.getClassLoader()).as("our replacement first on the class path").isNotSameAs(byteBuddyOnly);
      assertThat(ours.isEnum()).isEqualTo(theirs.isEnum()).isTrue();
      assertThat(ours.getInterfaces()).extracting(Class::getName)
          .containsExactly(PrivilegedAction.class.getName())
          .containsExactlyElementsOf(names(theirs.getInterfaces()));
      assertThat(constants(ours)).isEqualTo(constants(theirs)).containsExactly("INSTANCE");

      @SuppressWarnings("unchecked")
      PrivilegedAction<Object> action = (PrivilegedAction<Object>) ours.getField("INSTANCE").get(null);
      Object factory = action.run();
      assertThat(factory).isSameAs(PerfmonTransformerFactory.INSTANCE);
      assertThat(Class.forName(FACTORY).isInstance(factory)).isTrue();
      Method run = theirs.getMethod("run");
      assertThat(run.getReturnType().getName()).isEqualTo(FACTORY);
    }
  }

  /** The class file as Byte Buddy's jar holds it (our replacement comes first on the class path). */
  private static URL originalInByteBuddysJar(String resource) throws Exception {
    String path = resource.endsWith(".class") ? resource : resource + ".class";
    List<URL> found = Collections.list(ReplacedByteBuddyClassTest.class.getClassLoader().getResources(path));
    for (URL u : found) {
      if (u.getProtocol().equals("jar") && u.getPath().contains("/byte-buddy-")) {
        return u;
      }
    }
    throw new AssertionError("no " + path + " in a byte-buddy jar on the test class path: " + found);
  }

  private static String byteBuddyVersion(URL classInJar) throws Exception {
    JarURLConnection c = (JarURLConnection) classInJar.openConnection();
    c.setUseCaches(false);
    try (JarFile jar = c.getJarFile();
        InputStream in = jar.getInputStream(jar.getEntry("META-INF/maven/net.bytebuddy/byte-buddy/pom.properties"))) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  private static byte[] read(URL u) throws Exception {
    java.net.URLConnection c = u.openConnection();
    c.setUseCaches(false);
    try (InputStream in = c.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private static List<String> names(Class<?>[] types) {
    List<String> out = new ArrayList<>();
    for (Class<?> t : types) {
      out.add(t.getName());
    }
    return out;
  }

  private static List<String> constants(Class<?> type) {
    List<String> out = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (f.isEnumConstant() && Modifier.isPublic(f.getModifiers())) {
        out.add(f.getName());
      }
    }
    return out;
  }
}
