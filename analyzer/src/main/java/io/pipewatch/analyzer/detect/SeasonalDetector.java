package io.pipewatch.analyzer.detect;

/**
 * Daily/weekly-seasonal residual: how far a value is from the same time on earlier days (and a week
 * ago), judged against how far such differences usually are.
 *
 * <p>The residual is a seasonal difference, the error of the seasonal naive forecast (Box and
 * Jenkins 1970; Hyndman and Athanasopoulos, "Forecasting: Principles and Practice", section 5.2),
 * with {@code P} the number of samples in one day: of {@code x_t - x_{t-P}}, {@code x_t - x_{t-2P}}
 * and, when a week fits in the history ring, {@code x_t - x_{t-7P}}, the one smallest in magnitude.
 * Taking the best of several earlier days suppresses the "echo" of plain differencing (an anomalous
 * day makes the normal day after it look anomalous too), and the week-ago candidate makes a Monday
 * look like last Monday rather than like Sunday; a genuine anomaly differs from all of them. Its
 * robust z against the last {@code window} residuals ({@link RobustWindowDetector}) is the output,
 * so a series that repeats its daily or weekly shape (rush hours, nightly batches, quiet weekends)
 * is not flagged for the shape itself.
 *
 * <p>{@code P} is learnt once: during the first {@code learnSamples} samples the detector counts
 * how many sampling intervals equal the first-seen interval; if at least 90 % do, the series is
 * regular and {@code P = day / interval}. Every value is stored from the first one (ring indexed by
 * sample number), so scoring starts as soon as one day is stored. The detector stays off (z = 0)
 * when the series is irregular, when the day is not a whole number of intervals, or when {@code P}
 * exceeds {@code maxPeriod} (a 100 ms series would need 864,000 values of history).
 *
 * <p>Cost: a {@code double[2 * maxPeriod]} ring allocated once (so the week-ago candidate is used
 * when {@code 7 P <= 2 maxPeriod}: 5-minute and slower series with the default 1440) plus the
 * residual window; O(1) work per sample plus the residual window's O(window) element moves; no
 * allocation.
 */
final class SeasonalDetector {
  static final long DAY_MILLIS = 86_400_000L;

  private final double[] history; // sample n sits at history[n % history.length]
  private final RobustWindowDetector residuals;
  private final int learnSamples;
  private final boolean disabled;
  private long firstInterval;
  private long regularIntervals;
  private long lastTimestamp;
  private long count;
  private int period; // 0 while learning
  private boolean off;
  private double lastZ;

  SeasonalDetector(int maxPeriod, int window, int learnSamples) {
    this.history = new double[Math.max(1, 2 * maxPeriod)];
    this.residuals = new RobustWindowDetector(window);
    this.learnSamples = Math.max(2, learnSamples);
    this.disabled = maxPeriod == 0;
    this.off = disabled;
  }

  /** Folds in {@code x} at {@code timestampMillis} and returns the residual's robust z (or 0). */
  double update(long timestampMillis, double x) {
    lastZ = 0.0;
    if (off) {
      return 0.0;
    }
    if (count > 0 && period == 0) {
      long interval = timestampMillis - lastTimestamp;
      if (count == 1) {
        firstInterval = interval;
      }
      if (interval == firstInterval) {
        regularIntervals++;
      }
    }
    lastTimestamp = timestampMillis;
    int capacity = history.length;
    double z = 0.0;
    if (period > 0 && count >= period) {
      double r1 = x - history[(int) ((count - period) % capacity)];
      double r = r1;
      if (count >= 2L * period) {
        double r2 = x - history[(int) ((count - 2L * period) % capacity)];
        if (Math.abs(r2) < Math.abs(r1)) {
          r = r2;
        }
      }
      if (7L * period <= capacity && count >= 7L * period) {
        double r7 = x - history[(int) ((count - 7L * period) % capacity)];
        if (Math.abs(r7) < Math.abs(r)) {
          r = r7;
        }
      }
      z = residuals.update(r);
    }
    history[(int) (count % capacity)] = x;
    count++;
    if (period == 0 && count == learnSamples) {
      decidePeriod();
    }
    lastZ = z;
    return z;
  }

  /** Called once, after learnSamples: sets the period, or switches the detector off. */
  private void decidePeriod() {
    boolean regular = firstInterval > 0 && regularIntervals >= 0.9 * (count - 1);
    if (!regular || DAY_MILLIS % firstInterval != 0) {
      off = true;
      return;
    }
    long p = DAY_MILLIS / firstInterval;
    if (p < 2 || 2 * p > history.length) {
      off = true;
      return;
    }
    period = (int) p;
  }

  /** Whether a period was learnt (the detector scores once a full day is stored). */
  boolean active() {
    return period > 0 && !off;
  }

  /** The robust standard deviation of the day-over-day differences (0 until it is known). */
  double residualScale() {
    return residuals.full() ? residuals.lastScale() : 0.0;
  }

  int period() {
    return period;
  }

  double lastZ() {
    return lastZ;
  }

  void reset() {
    residuals.reset();
    firstInterval = 0;
    regularIntervals = 0;
    lastTimestamp = 0;
    count = 0;
    period = 0;
    off = disabled;
    lastZ = 0.0;
  }
}
