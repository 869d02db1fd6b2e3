package io.pipewatch.optimizer;

import java.util.List;

/** Values recently rolled back, which a strategy should not propose again. */
final class Tabu {
  private Tabu() {}

  /** Whether {@code knob = value} was tried and rolled back since {@code sinceMillis}. */
  static boolean contains(
      List<ChangeOutcome> outcomes, String knob, double value, long sinceMillis) {
    for (ChangeOutcome o : outcomes) {
      if (!o.kept() && o.knob().equals(knob) && o.to() == value && o.atMillis() >= sinceMillis) {
        return true;
      }
    }
    return false;
  }
}
