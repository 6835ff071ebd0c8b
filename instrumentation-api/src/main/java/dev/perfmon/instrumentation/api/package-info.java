/**
 * What instrumentation modules build on: the type instrumentations' matchers and class-file
 * pre-tests, the agent's transformer and its per-class work, and the recording entry points'
 * bindings.
 *
 * <p><b>No lambdas or method references on start-up, transformer and snapshot paths.</b> Code
 * here runs in {@code premain} and for every class a JVM loads. On Java 24 and later the JDK
 * spins each lambda's class at its first use with its class-file API; with the agent's 53 such
 * sites that API became hot enough to be compiled, and a hello-world's peak RSS on Java 25 grew by
 * 5 MB (docs/startup.md, fourth session). So those paths use anonymous or named classes and plain
 * loops; the comments "not a lambda" point here. {@code CoreAgentIT} fails when a lambda class of
 * the agent is loaded in a run with snapshots and an exit.
 */
package dev.perfmon.instrumentation.api;
