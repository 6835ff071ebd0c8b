package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static org.assertj.core.api.Assertions.assertThat;

import example.typepool.Hierarchy;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.agent.builder.AgentBuilder;
import org.junit.jupiter.api.Test;

/**
 * The agent's transformer keeps no class loader reachable: the type descriptions that {@link
 * BoundedTypePoolCache} keeps (strongly, so they survive {@code System.gc()}) must not reference the
 * loader they were read through, or every undeployed web application would stay in memory until
 * the heap fills.
 */
class UnloadedLoaderTest {
  @Test
  void aLoaderWhoseSuperTypesWereDescribedIsCollected() throws Exception {
    List<String> superTypes = new CopyOnWriteArrayList<>();
    ClassFileTransformer transformer =
        AgentBuilders.base(AgentBuilder.Listener.NoOp.INSTANCE)
            // Walks Leaf's whole hierarchy: Middle and Base are read through the loader and cached.
            .type(
                hasSuperType(
                    type -> {
                      superTypes.add(type.getName());
                      return false;
                    }))
            .transform((builder, type, loader, module, domain) -> builder)
            .makeRaw();

    WeakReference<ClassLoader> ref = describeThroughThrowawayLoader(transformer);
    assertThat(superTypes)
        .as("super types described through the throwaway loader")
        .contains(Hierarchy.Middle.class.getName(), Hierarchy.Base.class.getName());

    assertThat(Collected.await(ref, 20)).as("class loader reachable after System.gc()").isTrue();
    assertThat(transformer).isNotNull(); // the transformer (and its cache) is still alive here
  }

  private static WeakReference<ClassLoader> describeThroughThrowawayLoader(
      ClassFileTransformer transformer) throws Exception {
    URL classes = Hierarchy.class.getProtectionDomain().getCodeSource().getLocation();
    byte[] leaf;
    try (InputStream in = Hierarchy.class.getResourceAsStream("Hierarchy$Leaf.class")) {
      leaf = in.readAllBytes();
    }
    // No parent: Middle and Base can only be read through this loader.
    URLClassLoader loader = new URLClassLoader(new URL[] {classes}, null);
    transformer.transform(
        loader.getUnnamedModule(), loader, "example/typepool/Hierarchy$Leaf", null, null, leaf);
    loader.close();
    return new WeakReference<>(loader);
  }
}
