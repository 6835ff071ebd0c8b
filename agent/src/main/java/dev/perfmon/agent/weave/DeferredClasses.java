package dev.perfmon.agent.weave;

import dev.perfmon.instrumentation.api.StackHeadroom;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Transforms the classes that {@link StackHeadroom} deferred (loaded too close to the end of an
 * application thread's stack to be transformed there), by retransforming them on the snapshot
 * thread, which has stack to spare. A class whose loader is gone, or that was never defined after
 * all (its loading failed), is dropped.
 */
public final class DeferredClasses {
  private final Instrumentation inst;
  private final Logger log;
  private int runsThatDidSome;

  public DeferredClasses(Instrumentation inst, Logger log) {
    this.inst = inst;
    this.log = log;
  }

  /** Retransforms what was deferred since the last call. On the snapshot thread only. */
  public void retransform() {
    List<StackHeadroom.Deferred> deferred = StackHeadroom.drain();
    int done = 0;
    // One look-up of the loaded classes per loader, however many of its classes were deferred.
    IdentityHashMap<ClassLoader, Map<String, Class<?>>> byLoader = new IdentityHashMap<>();
    for (StackHeadroom.Deferred d : deferred) {
      if (d.loaderCollected()) {
        continue;
      }
      Map<String, Class<?>> defined = byLoader.get(d.loader()); // no lambda (computeIfAbsent)
      if (defined == null) {
        defined = definedBy(d.loader());
        byLoader.put(d.loader(), defined);
      }
      Class<?> c = defined.get(d.className());
      if (c == null || !inst.isModifiableClass(c)) {
        continue;
      }
      try {
        inst.retransformClasses(c);
        done++;
      } catch (Throwable t) {
        log.debug("could not retransform {}: {}", d.className(), t.toString());
      }
    }
    if (done > 0) {
      if (runsThatDidSome++ == 0) {
        log.info("{} class(es) loaded too close to the end of a thread's stack to be instrumented there were instrumented afterwards", done);
      } else {
        log.debug("{} more class(es) loaded too close to the end of a thread's stack instrumented afterwards", done);
      }
    }
  }

  /** The classes {@code loader} defined (null: the bootstrap loader), by name. */
  private Map<String, Class<?>> definedBy(ClassLoader loader) {
    Map<String, Class<?>> out = new HashMap<>();
    for (Class<?> c : inst.getInitiatedClasses(loader)) {
      if (c.getClassLoader() == loader) {
        out.put(c.getName(), c);
      }
    }
    return out;
  }
}
