package dev.perfmon.agent.events;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.BudgetViolationHandler;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.MemoryWarningHandler;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SlowOperationHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@code exec} handler: runs {@code handlers.exec.command} once per slow call, budget
 * violation and memory warning, writes the event as one JSON line (the same object as the output
 * file's line) to its standard input and waits for it to exit. Its standard output and error are
 * discarded; a non-zero exit status is reported as a handler failure. Runs on its own handler
 * thread like any handler, so the timeout applies: an interrupted run kills the process.
 */
final class ExecHandler implements SlowOperationHandler, BudgetViolationHandler, MemoryWarningHandler {
  private final List<String> command;

  ExecHandler(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    this.command = List.copyOf(command);
  }

  @Override
  public void onSlowOperation(SlowOperationEvent event) throws Exception {
    run(EventJson.slowLine(event));
  }

  @Override
  public void onBudgetViolation(BudgetViolation event) throws Exception {
    run(EventJson.budgetLine(event));
  }

  @Override
  public void onMemoryWarning(MemoryWarning event) throws Exception {
    run(EventJson.memoryLine(event));
  }

  private void run(byte[] json) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      try (OutputStream in = p.getOutputStream()) {
        in.write(json);
      } catch (IOException e) {
        // The command need not read its input.
      }
      int status = p.waitFor();
      if (status != 0) {
        throw new IOException("'" + command.get(0) + "' exited with status " + status);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * Splits a command line into program and arguments at spaces; {@code "..."} and {@code '...'}
   * quote an argument (no escapes, no shell expansion).
   */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inToken = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        inToken = true;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          out.add(cur.toString());
          cur.setLength(0);
          inToken = false;
        }
      } else {
        cur.append(c);
        inToken = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed quote " + quote);
    }
    if (inToken) {
      out.add(cur.toString());
    }
    return out;
  }
}
