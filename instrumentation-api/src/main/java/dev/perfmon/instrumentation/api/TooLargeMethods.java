package dev.perfmon.instrumentation.api;

import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Methods too large to instrument. A method whose code fits the JVM's limit of {@value
 * #MAX_CODE_BYTES} bytes may not fit it once advice is woven in; ASM's class writer then throws a
 * {@link MethodTooLargeException} that names the method, and Byte Buddy drops the transformation of
 * the whole class. Here the transformation of that class is run again at once, on the same thread
 * and with the same class file, without that method: every method matcher of the agent consults
 * {@link #isExcluded(MethodDescription)}. A class with several such methods takes one more attempt
 * per method, at most {@value #MAX_PER_CLASS}; beyond that, the class is left as it is and the
 * error reported as any other transformation failure.
 *
 * <p>The exception names the method exactly (the writer found the code too large), so nothing is
 * estimated and no method that fits is ever skipped. Nothing changes for classes that transform:
 * the decorator's only extra work per class is two reads of a counter, and a method matcher's one
 * read of another; the woven code is the same.
 *
 * <p>Wiring ({@link AgentBuilders#base}, {@link #wiring(Reporter)}): the listener sees the failure
 * first, records the method for a retry and does not pass the error on (it is handled); the
 * decorator, wrapped around Byte Buddy's class file transformer, retries while a retry was asked
 * for, and when an attempt succeeds, tells the {@link Reporter} which methods were skipped.
 * Thread-safe: the state of a retry belongs to the transforming thread.
 */
public final class TooLargeMethods {
  /** The JVM's limit on the code of one method (JVMS 4.7.3: code_length &lt; 65536). */
  public static final int MAX_CODE_BYTES = 65_535;

  /** Too-large methods skipped per class before the class is given up. */
  static final int MAX_PER_CLASS = 16;

  /** The reason given for a skipped method, in coverage and logs. */
  public static final String REASON = "method too large to instrument";

  /** One method left out of a class's transformation. */
  public record Skipped(String className, String methodName, String descriptor, int wovenCodeBytes) {
    /** {@code a.b.C#name(long,java.lang.String)}: the class, the method and its parameter types. */
    public String label() {
      StringBuilder b = new StringBuilder(className).append('#').append(methodName).append('(');
      Type[] args = Type.getArgumentTypes(descriptor);
      for (int i = 0; i < args.length; i++) {
        if (i > 0) {
          b.append(',');
        }
        b.append(args[i].getClassName());
      }
      return b.append(')').toString();
    }

    /** True when {@code m} is this method (same name and descriptor). */
    public boolean is(MethodDescription m) {
      return methodName.equals(m.getInternalName()) && descriptor.equals(m.getDescriptor());
    }
  }

  /** Told about the methods left out of a class that was then transformed. */
  public interface Reporter {
    /**
     * Called once per left-out method, after its class was transformed without it.
     *
     * @param loaded true when the class was retransformed (already loaded), false at its loading
     */
    void skipped(Skipped method, ClassLoader loader, boolean loaded);

    Reporter NONE =
        new Reporter() { // not a lambda: see package-info
          @Override
          public void skipped(Skipped method, ClassLoader loader, boolean loaded) {}
        };
  }

  private TooLargeMethods() {}

  /** The retry of the class this thread transforms; null when none is under way. */
  private static final ThreadLocal<Retry> RETRY = new ThreadLocal<>();
  /** Threads retrying right now: while 0, no method is excluded and matchers read nothing else. */
  private static final AtomicInteger RETRYING = new AtomicInteger();
  /** Too-large failures handled so far: the decorator looks for a retry only when this moved. */
  private static final AtomicLong HANDLED = new AtomicLong();

  private static final class Retry {
    final String typeName;
    final List<Skipped> skipped = new ArrayList<>();
    boolean again;

    Retry(String typeName) {
      this.typeName = typeName;
    }

    boolean excludes(MethodDescription m) {
      for (Skipped s : skipped) {
        if (s.is(m)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * True when {@code method} is left out of the transformation under way on this thread because
   * woven it would be too large.
   */
  public static boolean isExcluded(MethodDescription method) {
    if (RETRYING.get() == 0) {
      return false;
    }
    Retry r = RETRY.get();
    return r != null && r.excludes(method);
  }

  /** {@link #isExcluded} as a matcher. */
  public static ElementMatcher.Junction<MethodDescription> excluded() {
    return new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
      @Override
      public boolean matches(MethodDescription target) {
        return isExcluded(target);
      }
    };
  }

  /**
   * The methods left out of the transformation of {@code type} under way on this thread: empty
   * unless it is a retry.
   */
  public static List<Skipped> excludedIn(TypeDescription type) {
    if (RETRYING.get() == 0) {
      return List.of();
    }
    Retry r = RETRY.get();
    return r != null && r.typeName.equals(type.getName()) ? List.copyOf(r.skipped) : List.of();
  }

  /** The too-large method named by {@code t} or one of its causes, or null. */
  static MethodTooLargeException tooLarge(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause()) {
      if (c instanceof MethodTooLargeException m) {
        return m;
      }
    }
    return null;
  }

  /**
   * The listener and the decorator of one agent builder, which work together: the listener hides
   * a too-large failure only once the decorator, which retries it, is in place (Byte Buddy applies
   * decorators in {@code installOn}, not in {@code makeRaw}, whose transformers therefore report
   * such failures as they are).
   */
  public static Wiring wiring(Reporter reporter) {
    return new Wiring(reporter);
  }

  /** See {@link #wiring(Reporter)}; the decorator itself (a class, not a lambda: no class spun at start-up). */
  public static final class Wiring implements AgentBuilder.TransformerDecorator {
    private final Reporter reporter;
    private volatile boolean decorated;

    private Wiring(Reporter reporter) {
      this.reporter = reporter;
    }

    /**
     * Wraps {@code listener}: a too-large failure that will be retried is recorded here and not
     * passed on (it is no error: the retry transforms the class, or fails and reports that).
     */
    public AgentBuilder.Listener listener(AgentBuilder.Listener listener) {
      return new Listening(listener, this);
    }

    /** Retries a transformation that failed on a too-large method; see the class comment. */
    @Override
    public ResettableClassFileTransformer decorate(ResettableClassFileTransformer transformer) {
      decorated = true;
      return new Retrying(transformer, reporter);
    }
  }

  private static final class Listening implements AgentBuilder.Listener {
    private final AgentBuilder.Listener delegate;
    private final Wiring wiring;

    Listening(AgentBuilder.Listener delegate, Wiring wiring) {
      this.delegate = delegate;
      this.wiring = wiring;
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      if (!wiring.decorated || !retries(typeName, throwable)) {
        delegate.onError(typeName, classLoader, module, loaded, throwable);
      }
    }

    private static boolean retries(String typeName, Throwable throwable) {
      MethodTooLargeException e = tooLarge(throwable);
      if (e == null) {
        return false;
      }
      Retry r = RETRY.get();
      if (r == null || !r.typeName.equals(typeName)) {
        r = new Retry(typeName);
        RETRY.set(r);
      }
      Skipped s = new Skipped(typeName, e.getMethodName(), e.getDescriptor(), e.getCodeSize());
      for (Skipped earlier : r.skipped) {
        if (earlier.methodName().equals(s.methodName()) && earlier.descriptor().equals(s.descriptor())) {
          return false; // excluded and still too large: not ours to fix
        }
      }
      if (r.skipped.size() >= MAX_PER_CLASS) {
        return false;
      }
      r.skipped.add(s);
      r.again = true;
      HANDLED.incrementAndGet();
      return true;
    }

    @Override
    public void onDiscovery(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
      delegate.onDiscovery(typeName, classLoader, module, loaded);
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
      delegate.onTransformation(typeDescription, classLoader, module, loaded, dynamicType);
    }

    @Override
    public void onIgnored(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded) {
      delegate.onIgnored(typeDescription, classLoader, module, loaded);
    }

    @Override
    public void onComplete(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
      delegate.onComplete(typeName, classLoader, module, loaded);
    }
  }

  private static final class Retrying extends ResettableClassFileTransformer.WithDelegation {
    private final Reporter reporter;

    Retrying(ResettableClassFileTransformer delegate, Reporter reporter) {
      super(delegate);
      this.reporter = reporter;
    }

    @Override
    public byte[] transform(
        ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain domain, byte[] buffer)
        throws IllegalClassFormatException {
      return transform(null, false, loader, internalName, classBeingRedefined, domain, buffer);
    }

    @Override
    public byte[] transform(
        Module module,
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] buffer)
        throws IllegalClassFormatException {
      return transform(module, true, loader, internalName, classBeingRedefined, domain, buffer);
    }

    private byte[] transform(
        Module module,
        boolean withModule,
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] buffer)
        throws IllegalClassFormatException {
      long handled = HANDLED.get();
      byte[] out;
      try {
        out = attempt(module, withModule, loader, internalName, classBeingRedefined, domain, buffer);
      } catch (RuntimeException | Error e) {
        // Byte Buddy reports a failed transformation to the listener, then throws it (the JVM
        // takes a throwing transformer as one that changed nothing).
        if (handled == HANDLED.get()) {
          throw e;
        }
        out = null;
      }
      return handled == HANDLED.get()
          ? out
          : retry(module, withModule, loader, internalName, classBeingRedefined, domain, buffer, out);
    }

    private byte[] attempt(
        Module module,
        boolean withModule,
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] buffer)
        throws IllegalClassFormatException {
      return withModule
          ? classFileTransformer.transform(module, loader, internalName, classBeingRedefined, domain, buffer)
          : classFileTransformer.transform(loader, internalName, classBeingRedefined, domain, buffer);
    }

    /**
     * Runs the transformation again while the listener asks for it, each time without one more
     * method. A failure of the last attempt is thrown on, as Byte Buddy throws it.
     */
    private byte[] retry(
        Module module,
        boolean withModule,
        ClassLoader loader,
        String internalName,
        Class<?> classBeingRedefined,
        ProtectionDomain domain,
        byte[] buffer,
        byte[] first)
        throws IllegalClassFormatException {
      Retry r = RETRY.get();
      if (r == null || internalName == null || !r.typeName.equals(internalName.replace('/', '.'))) {
        return first; // another thread's failure moved the counter
      }
      byte[] out = first;
      try {
        while (out == null && r.again) {
          r.again = false;
          RETRYING.incrementAndGet();
          try {
            out = attempt(module, withModule, loader, internalName, classBeingRedefined, domain, buffer);
          } catch (RuntimeException | Error e) {
            if (!r.again) {
              throw e; // not a too-large method this time: the listener has reported it
            }
          } finally {
            RETRYING.decrementAndGet();
          }
        }
      } finally {
        RETRY.remove();
      }
      if (out != null) {
        for (Skipped s : r.skipped) {
          reporter.skipped(s, loader, classBeingRedefined != null);
        }
      }
      return out;
    }
  }
}
