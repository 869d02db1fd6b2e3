package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;

/** Knob arithmetic: bounds, step grid, maximum step. */
final class KnobMath {
  private KnobMath() {}

  /** {@code value} clamped to the knob's bounds and rounded to its step grid. */
  static double snap(KnobSpec spec, double value) {
    double clamped = Math.max(spec.min(), Math.min(spec.max(), value));
    double steps = Math.rint((clamped - spec.min()) / spec.step());
    double snapped = spec.min() + steps * spec.step();
    return Math.max(spec.min(), Math.min(spec.max(), snapped));
  }

  /**
   * {@code target} limited to at most {@code fraction} of the current value away from it (at least
   * one step), then snapped. Categorical knobs are not limited.
   */
  static double limitStep(KnobSpec spec, double target, double fraction) {
    if (spec.isCategorical()) {
      return snap(spec, target);
    }
    double current = spec.value();
    double maxStep = Math.max(spec.step(), Math.abs(current) * fraction);
    double limited = Math.max(current - maxStep, Math.min(current + maxStep, target));
    double snapped = snap(spec, limited);
    if (snapped == current && target != current) {
      snapped = snap(spec, current + Math.signum(target - current) * spec.step());
    }
    return snapped;
  }
}
