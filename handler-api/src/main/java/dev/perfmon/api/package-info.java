/**
 * The API of perfmon-agent custom event handlers.
 *
 * <p>Implement one or more of {@link dev.perfmon.api.SlowOperationHandler}, {@link
 * dev.perfmon.api.BudgetViolationHandler}, {@link dev.perfmon.api.MemoryWarningHandler} and {@link
 * dev.perfmon.api.SnapshotHandler}, list the implementation in {@code
 * META-INF/services/<interface name>} of your jar (one file per interface), and name the jar in the
 * agent's {@code handlers.path}. The agent loads handlers with {@link java.util.ServiceLoader} in a
 * class loader of their own whose parent is the agent's loader, creates one instance per interface
 * listed, and calls each handler on a daemon thread of its own, one event at a time, never on an
 * application thread. A call that throws is logged and the event skipped for that handler; a call
 * that takes longer than {@code handlers.timeout} is logged, its thread interrupted, and further
 * events are skipped for that handler until the call returns.
 *
 * <p>Every event type is an immutable record; the classes here depend on the JDK only. Compile
 * against this artifact with scope {@code provided}: the agent jar carries these classes.
 */
package dev.perfmon.api;
