package example.core;

import java.util.List;

public class Repo {
  public List<String> findUsers(String prefix) {
    return List.of(prefix + "a", prefix + "b");
  }

  @TrackPerformance("custom.report")
  public int report(int n) {
    return n + 7;
  }

  @TrackPerformance
  public int audit(int n) {
    return n - 1;
  }

  /** Not listed anywhere: must not appear in the output. */
  public int untracked(int n) {
    return n * n;
  }
}
