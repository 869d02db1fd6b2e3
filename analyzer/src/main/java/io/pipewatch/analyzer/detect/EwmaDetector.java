package io.pipewatch.analyzer.detect;

/**
 * Exponentially weighted moving average of the mean and the variance of one series, and the z-score
 * of each new value against them.
 *
 * <p>Follows Roberts (1959), "Control chart tests based on geometric moving averages",
 * Technometrics 1(3): the mean is {@code m_t = m_{t-1} + alpha (x_t - m_{t-1})}. The variance uses
 * the incremental exponentially weighted form of West (1979) / Finch (2009), "Incremental
 * calculation of weighted mean and variance": {@code v_t = (1 - alpha)(v_{t-1} + alpha d^2)} with
 * {@code d = x_t - m_{t-1}}. The z-score of {@code x_t} is {@code d / sqrt(v_{t-1})}: it is taken
 * against the state <em>before</em> {@code x_t} is folded in, so a value never dampens its own
 * score (no look-ahead, no self-masking).
 *
 * <p>Parameters: {@code alpha} in (0, 1], the weight of the newest value (the effective memory is
 * about {@code 2 / alpha - 1} samples); {@code warmUp}, the samples seen before any z is reported
 * (until then {@link #update} returns 0). The standard deviation is floored at a tiny fraction of
 * the mean's magnitude so a constant series gives z = 0 for the same value and a large, finite z
 * for any change.
 *
 * <p>Cost: O(1) time and three doubles and a long of state; no allocation.
 */
final class EwmaDetector {
  private final double alpha;
  private final long warmUp;
  private double mean;
  private double variance;
  private long count;
  private double lastZ;

  EwmaDetector(double alpha, long warmUp) {
    this.alpha = alpha;
    this.warmUp = warmUp;
  }

  /** Folds in {@code x} (must be finite) and returns its z-score against the prior state. */
  double update(double x) {
    if (count == 0) {
      mean = x;
      variance = 0.0;
      count = 1;
      lastZ = 0.0;
      return 0.0;
    }
    double diff = x - mean;
    double z = 0.0;
    if (count >= warmUp) {
      z = diff / standardDeviationFloor(Math.sqrt(variance), mean);
    }
    double increment = alpha * diff;
    mean += increment;
    variance = (1.0 - alpha) * (variance + diff * increment);
    count++;
    lastZ = z;
    return z;
  }

  double mean() {
    return mean;
  }

  double standardDeviation() {
    return Math.sqrt(variance);
  }

  double lastZ() {
    return lastZ;
  }

  long count() {
    return count;
  }

  void reset() {
    mean = 0.0;
    variance = 0.0;
    count = 0;
    lastZ = 0.0;
  }

  /** A positive floor for a scale estimate so that a constant series cannot divide by zero. */
  static double standardDeviationFloor(double sd, double location) {
    double floor = 1e-9 * Math.max(1.0, Math.abs(location));
    return sd > floor ? sd : floor;
  }
}
