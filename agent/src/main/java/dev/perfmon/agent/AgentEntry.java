package dev.perfmon.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.util.function.Function;

/**
 * The agent's start as {@link PerfmonAgent} reaches it in the agent's own class loader: an
 * instance made through its public no-argument constructor and called through a JDK interface, so
 * that the application's class loader links to nothing of the agent's. A {@code Method.invoke}
 * instead would, on Java 18 and later, build method handles for the method's shape on the
 * application's start-up path (ten classes spun on Java 25); a no-argument constructor's are
 * pregenerated in the JDK's class-data archive.
 */
public final class AgentEntry implements Function<Object[], Object> {
  public AgentEntry() {}

  /**
   * {@code {String args, Instrumentation inst, Boolean attached}}: defines the bootstrap classes in
   * the boot loader ({@link BootstrapInjector}), then starts, reconfigures or detaches the agent
   * ({@link AgentRuntime#startOrReconfigure}); returns whether the agent runs afterwards.
   */
  @Override
  public Object apply(Object[] call) {
    String args = (String) call[0];
    Instrumentation inst = (Instrumentation) call[1];
    boolean attached = (Boolean) call[2];
    try {
      BootstrapInjector.inject(inst);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return AgentRuntime.startOrReconfigure(args, inst, attached);
  }
}
