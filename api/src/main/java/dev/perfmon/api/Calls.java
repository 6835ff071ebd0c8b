package dev.perfmon.api;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The timing paths shared by {@link ScopedMonitor} (by name) and {@link Operation} (by handle). */
final class Calls {
  private Calls() {}

  /** Nanoseconds since {@code start}, never negative. */
  static long since(long start) {
    long d = System.nanoTime() - start;
    return d < 0 ? 0 : d;
  }

  static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  /** Runs {@code work} untimed; its exception, checked or not, propagates unchanged. */
  static <T> T passThrough(Callable<T> work) {
    try {
      return work.call();
    } catch (Exception e) {
      throw Calls.<RuntimeException>sneakyThrow(e);
    }
  }

  static <T> T call(Backend backend, int id, Callable<T> work, Map<String, ?> metadata) {
    long start = System.nanoTime();
    T result;
    try {
      result = work.call();
    } catch (Throwable t) {
      backend.record(id, since(start), true, metadata);
      throw Calls.<RuntimeException>sneakyThrow(t);
    }
    backend.record(id, since(start), false, metadata);
    return result;
  }

  static void run(Backend backend, int id, Runnable work, Map<String, ?> metadata) {
    long start = System.nanoTime();
    try {
      work.run();
    } catch (Throwable t) {
      backend.record(id, since(start), true, metadata);
      throw t;
    }
    backend.record(id, since(start), false, metadata);
  }

  /**
   * Times {@code work} and the stage it returns to its completion. The returned stage completes
   * after the record, with the very value or throwable the work's stage completed with. A null
   * stage is returned as is and nothing is recorded.
   */
  static <T> CompletionStage<T> async(
      Backend backend, int id, Supplier<? extends CompletionStage<T>> work) {
    long start = System.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = work.get();
    } catch (Throwable t) {
      backend.record(id, since(start), true, null);
      throw t;
    }
    if (stage == null) {
      return null;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenComplete(
        (value, failure) -> {
          backend.record(id, since(start), failure != null, null);
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(value);
          }
        });
    return result;
  }

  /**
   * Throws {@code t} unchanged, checked or not, without wrapping: the type parameter makes the
   * compiler accept a checked exception the method does not declare. Written {@code throw
   * sneakyThrow(t)} so the compiler sees the call site never completes.
   */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
