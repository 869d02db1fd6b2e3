package io.pipewatch.analyzer.detect;

/**
 * Linear trend of one series by double exponential smoothing, and the time until that trend reaches
 * a limit ("memory reaches its limit in ~4 min").
 *
 * <p>Follows Holt (1957), "Forecasting seasonals and trends by exponentially weighted moving
 * averages" (ONR memo 52; reprinted IJF 20, 2004), in the form for irregularly spaced samples of
 * Wright (1986), "Forecasting data published at irregular time intervals using an extension of
 * Holt's method", Management Science 32(4). With {@code dt} the time since the previous sample:
 * {@code level_t = alpha x_t + (1 - alpha)(level_{t-1} + slope_{t-1} dt)} and {@code slope_t = beta
 * (level_t - level_{t-1}) / dt + (1 - beta) slope_{t-1}}. The forecast at horizon {@code h} is
 * {@code level + slope h}, so a limit {@code L} is reached after {@code (L - level) / slope} if the
 * slope points towards it.
 *
 * <p>Parameters: {@code alpha} (level smoothing, in (0, 1]), {@code beta} (slope smoothing, in (0,
 * 1]); smaller values give a steadier, slower trend. The slope is kept per millisecond.
 *
 * <p>Cost: O(1) time, four primitives of state; no allocation.
 */
final class HoltTrendDetector {
  private final double alpha;
  private final double beta;
  private double level;
  private double slopePerMilli;
  private long lastTimestamp;
  private long count;

  HoltTrendDetector(double alpha, double beta) {
    this.alpha = alpha;
    this.beta = beta;
  }

  /** Folds in {@code x} at {@code timestampMillis}, which must be later than the previous one. */
  void update(long timestampMillis, double x) {
    if (count == 0) {
      level = x;
      slopePerMilli = 0.0;
    } else {
      double dt = (double) (timestampMillis - lastTimestamp);
      double previous = level;
      level = alpha * x + (1.0 - alpha) * (previous + slopePerMilli * dt);
      double observedSlope = (level - previous) / dt;
      slopePerMilli =
          count == 1 ? observedSlope : beta * observedSlope + (1.0 - beta) * slopePerMilli;
    }
    lastTimestamp = timestampMillis;
    count++;
  }

  double level() {
    return level;
  }

  double slopePerSecond() {
    return slopePerMilli * 1000.0;
  }

  /**
   * Milliseconds from the last sample until the trend line reaches {@code limit}: 0 if the level is
   * at the limit, {@code +Infinity} if the trend is flat or points away from the limit (the level
   * is on one side of the limit and moving away from it), or fewer than two samples were seen.
   * Whether a level already beyond the limit is a breach is the caller's call (it knows whether the
   * limit is an upper or a lower one).
   */
  double millisToReach(double limit) {
    if (count < 2) {
      return Double.POSITIVE_INFINITY;
    }
    double gap = limit - level;
    if (gap == 0.0) {
      return 0.0;
    }
    double millis = gap / slopePerMilli;
    return millis > 0.0 ? millis : Double.POSITIVE_INFINITY;
  }

  long count() {
    return count;
  }

  void reset() {
    level = 0.0;
    slopePerMilli = 0.0;
    lastTimestamp = 0L;
    count = 0;
  }
}
