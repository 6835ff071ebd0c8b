package net.bytebuddy.agent.builder;

import java.security.PrivilegedAction;

/**
 * Replaces Byte Buddy's class of this binary name in the agent jar: hands Byte Buddy's {@code
 * ExecutingTransformer} the factory written in source ({@link PerfmonTransformerFactory}) instead
 * of generating a transformer class at run time. Its shape is what {@code ExecutingTransformer}'s
 * static initialiser relies on: an enum constant {@code INSTANCE} whose {@code run()} returns an
 * {@code ExecutingTransformer.Factory}. It is compiled apart from the rest of the module: javac
 * cannot compile a top-level class whose binary name is that of a member class it also reads from
 * Byte Buddy's jar.
 */
public enum AgentBuilder$Default$ExecutingTransformer$Factory$CreationAction
    implements PrivilegedAction<Object> {
  INSTANCE;

  @Override
  public Object run() {
    return PerfmonTransformerFactory.INSTANCE;
  }
}
