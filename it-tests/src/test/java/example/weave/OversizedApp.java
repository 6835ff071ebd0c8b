package example.weave;

import java.lang.reflect.Method;

/**
 * Loads {@link OversizedClass#NAME} (written by the test onto this JVM's class path), calls its
 * small method {@code args[0]} times and its huge method {@code args[1]} times, prints the counts
 * and results, and stays up {@code args[2]} ms so that the agent writes its coverage line.
 */
public final class OversizedApp {
  private OversizedApp() {}

  public static void main(String[] args) throws Exception {
    int smallCalls = Integer.parseInt(args[0]);
    int hugeCalls = Integer.parseInt(args[1]);
    Class<?> c = Class.forName(OversizedClass.NAME);
    Method small = c.getMethod("small", int.class);
    Method huge = c.getMethod("huge", long.class);
    long smallSum = 0;
    for (int i = 0; i < smallCalls; i++) {
      smallSum += (Integer) small.invoke(null, i);
    }
    long hugeLast = 0;
    for (int i = 0; i < hugeCalls; i++) {
      hugeLast = (Long) huge.invoke(null, (long) i);
    }
    System.out.println("SMALL " + smallCalls + " sum=" + smallSum + " HUGE " + hugeCalls + " last=" + hugeLast);
    Thread.sleep(Long.parseLong(args[2]));
  }
}
