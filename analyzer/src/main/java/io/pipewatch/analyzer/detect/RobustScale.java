package io.pipewatch.analyzer.detect;

/**
 * A robust, exponentially weighted scale of residuals: the mean absolute residual with each new
 * |residual| clipped at {@code CLIP} times the current estimate before it is averaged in, reported
 * as a standard deviation ({@code sqrt(pi/2)} times the mean absolute deviation, consistent under
 * normal noise).
 *
 * <p>This is the bounded-influence scale recursion of robust exponential smoothing (Gelper, Fried
 * and Croux 2010, "Robust forecasting with exponential and Holt-Winters smoothing", Journal of
 * Forecasting 29, section 2.2, with a Huber-type clip instead of their biweight rho): a single
 * outlier moves the scale by at most {@code alpha * CLIP} of itself, so an anomaly does not hide
 * the next one, while a lasting change of the noise level is learnt at rate {@code alpha}. The
 * first {@code 1 / alpha} residuals are averaged plainly (no clip), so the estimate starts
 * unbiased.
 *
 * <p>Cost: O(1) per residual, three primitives of state, no allocation.
 */
final class RobustScale {
  static final double CLIP = 3.0;
  private static final double MEAN_ABS_TO_SIGMA = 1.2533;

  private final double alpha;
  private final long plainCount;
  private double meanAbs;
  private long count;

  RobustScale(double alpha) {
    this.alpha = alpha;
    this.plainCount = (long) Math.ceil(1.0 / alpha);
  }

  /** Folds in one residual (finite). */
  void update(double residual) {
    double a = Math.abs(residual);
    count++;
    if (count <= plainCount) {
      meanAbs += (a - meanAbs) / count;
    } else {
      meanAbs += alpha * (Math.min(a, CLIP * meanAbs) - meanAbs);
    }
  }

  /** The scale as a standard deviation; 0 until the first residual. */
  double sigma() {
    return MEAN_ABS_TO_SIGMA * meanAbs;
  }

  /** Whether at least {@code 1 / alpha} residuals were seen (the estimate is settled). */
  boolean settled() {
    return count >= plainCount;
  }

  long count() {
    return count;
  }

  void reset() {
    meanAbs = 0.0;
    count = 0;
  }
}
