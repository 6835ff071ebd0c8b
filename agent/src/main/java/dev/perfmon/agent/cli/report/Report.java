package dev.perfmon.agent.cli.report;

import java.util.List;

/** Everything a report output needs: the options, the files read, the reader's counts, the merge. */
record Report(
    ReportCommand.Options options,
    List<InputFiles.Entry> files,
    JsonlReader reader,
    Merger merger) {

  /** "histograms", "approximate" or "mixed" for a set of operations. */
  static String percentileSource(List<OpStats> ops) {
    boolean exact = false;
    boolean approx = false;
    for (OpStats o : ops) {
      if (o.sampled == 0) {
        continue;
      }
      if (o.exact()) {
        exact = true;
      } else {
        approx = true;
      }
    }
    return approx ? (exact ? "mixed" : "approximate") : "histograms";
  }
}
