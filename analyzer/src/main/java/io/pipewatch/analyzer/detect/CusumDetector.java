package io.pipewatch.analyzer.detect;

/**
 * Two-sided tabular CUSUM change detector over standardised residuals.
 *
 * <p>Follows Page (1954), "Continuous inspection schemes", Biometrika 41, in the tabular form of
 * Montgomery, "Introduction to Statistical Quality Control", ch. 9: with {@code u_t} the
 * standardised residual of the new value (its z against a baseline), {@code S+_t = max(0, S+_{t-1}
 * + u_t - k)} and {@code S-_t = max(0, S-_{t-1} - u_t - k)}. An alarm is raised when either sum
 * exceeds {@code h}; both sums then restart from 0 so that one shift raises one alarm, and a
 * further alarm needs fresh evidence.
 *
 * <p>Parameters: {@code drift} (k, in standard deviations; half the smallest shift worth detecting,
 * 0.5 targets a 1-sigma shift); {@code threshold} (h, in standard deviations; with k = 0.5, h = 5
 * gives an in-control average run length of about 900 samples on normal noise); {@code clip}, the
 * bound applied to |u| first so that one isolated outlier (the robust detector's business) cannot
 * by itself complete a CUSUM alarm when {@code clip - k < h}.
 *
 * <p>Cost: O(1) time, two doubles of state; no allocation.
 */
final class CusumDetector {
  private final double drift;
  private final double threshold;
  private final double clip;
  private double upper;
  private double lower;
  private int lastDirection;

  CusumDetector(double drift, double threshold, double clip) {
    this.drift = drift;
    this.threshold = threshold;
    this.clip = clip;
  }

  /**
   * Folds in the standardised residual {@code u}; returns +1 for an upward change alarm, -1 for a
   * downward one, 0 for none.
   */
  int update(double u) {
    double c = u > clip ? clip : (u < -clip ? -clip : u);
    upper = Math.max(0.0, upper + c - drift);
    lower = Math.max(0.0, lower - c - drift);
    int direction = 0;
    if (upper > threshold) {
      direction = 1;
    } else if (lower > threshold) {
      direction = -1;
    }
    if (direction != 0) {
      upper = 0.0;
      lower = 0.0;
    }
    lastDirection = direction;
    return direction;
  }

  /** The larger of the two sums relative to the threshold: 0 in control, 1 at the alarm line. */
  double pressure() {
    return Math.max(upper, lower) / threshold;
  }

  int lastDirection() {
    return lastDirection;
  }

  void reset() {
    upper = 0.0;
    lower = 0.0;
    lastDirection = 0;
  }
}
