package example.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A small application with methods of known outcome. Two threads run the same workload; the main
 * thread prints a checksum of every result so a test can compare a run with and without the agent.
 * It also uses its own Byte Buddy and Jackson, which must not clash with the agent's shaded copies.
 *
 * <p>Per thread: getUser x200, validate x100 (50 throw), fib(10) x1 (177 calls incl. recursion),
 * sleep50 x3, findUsers x40, report x30, audit x20, untracked x50, EmailHandler.handle x25,
 * SmsHandler.handle x15 (each also calls EmailHandler.handle through super).
 */
public final class CoreApp {
  public static final int THREADS = 2;

  private CoreApp() {}

  public static void main(String[] args) throws Exception {
    AtomicLong checksum = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread th = new Thread(() -> checksum.addAndGet(work()), "worker-" + t);
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    String own = ownLibraries();
    org.slf4j.LoggerFactory.getLogger("app").info("APP-LOG via the application's own logback");
    System.out.println("RESULT checksum=" + checksum.get() + " libs=" + own);
  }

  static long work() {
    UserService users = new UserService();
    Repo repo = new Repo();
    Handler email = new EmailHandler();
    Handler sms = new SmsHandler();
    long sum = 0;
    for (int i = 0; i < 200; i++) {
      sum += users.getUser(i).length();
    }
    for (int i = 0; i < 100; i++) {
      try {
        sum += users.validate(i);
      } catch (IllegalArgumentException expected) {
        sum += 1_000;
      }
    }
    sum += users.fib(10);
    for (int i = 0; i < 3; i++) {
      try {
        users.sleep50();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = 0; i < 40; i++) {
      sum += repo.findUsers("u" + i).size();
    }
    for (int i = 0; i < 30; i++) {
      sum += repo.report(i);
    }
    for (int i = 0; i < 20; i++) {
      sum += repo.audit(i);
    }
    for (int i = 0; i < 50; i++) {
      sum += repo.untracked(i);
    }
    for (int i = 0; i < 25; i++) {
      sum += email.handle(i);
    }
    for (int i = 0; i < 15; i++) {
      sum += sms.handle(i);
    }
    return sum;
  }

  /** Uses the application's own Byte Buddy and Jackson; returns a deterministic string. */
  static String ownLibraries() throws Exception {
    Class<?> dynamic =
        new ByteBuddy()
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("made-by-app-bytebuddy"))
            .make()
            .load(CoreApp.class.getClassLoader())
            .getLoaded();
    String made = dynamic.getDeclaredConstructor().newInstance().toString();
    String json = new ObjectMapper().writeValueAsString(Map.of("k", made));
    String jar = ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    return json + ";bb=" + jar.substring(jar.lastIndexOf('/') + 1);
  }
}
