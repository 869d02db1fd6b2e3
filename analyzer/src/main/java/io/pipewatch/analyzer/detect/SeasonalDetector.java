package io.pipewatch.analyzer.detect;

/**
 * Daily or weekly seasonal forecast residual, used only where the series shows that seasonality.
 *
 * <p>The forecast is the seasonal naive forecast (Hyndman and Athanasopoulos, "Forecasting:
 * Principles and Practice", 3rd ed., section 5.2) made robust: the median of the values one, two
 * and three seasons ago ({@code x_{t-L}, x_{t-2L}, x_{t-3L}}, as many as are stored), so one
 * anomalous season does not echo into the next. Two seasons are tried, a day ({@code L = P}, the
 * samples in one day) and a week ({@code L = 7P}); each keeps a robust scale of its own residuals
 * ({@link RobustScale}). The season whose residual scale is smaller is the model; {@link
 * #residualScale()} is its scale, {@link #update} returns its residual divided by that scale (a
 * z-score). Whether the series is seasonal at all is decided by the caller, who compares this scale
 * with the scale of a non-seasonal model's residuals (see {@link SeriesDetector}): a shape that
 * does not repeat leaves the seasonal residuals as wide as (or wider than) the values' own spread,
 * and the seasonal model is then not used.
 *
 * <p>{@code P} is learnt once: during the first {@code learnSamples} samples the detector counts
 * how many sampling intervals equal the first-seen interval; if at least 90 % do, the series is
 * regular and {@code P = day / interval}. The detector stays off (z = 0, scale 0) when the series
 * is irregular, when the day is not a whole number of intervals, or when {@code P} exceeds {@code
 * maxPeriod} (a 100 ms series would need 864,000 values per day).
 *
 * <p>Memory: the value history is allocated once, when {@code P} is learnt, and only if the
 * detector is on: {@code 3 * 7 * P} values if that fits in {@code maxHistory} (then both seasons
 * are tried), else {@code 3 * P} if that fits (day only), else the detector switches off. Values
 * before the period is known are not stored: scoring starts one season after {@code learnSamples}.
 * Per sample O(1) work (two medians of three), no allocation.
 */
final class SeasonalDetector {
  static final long DAY_MILLIS = 86_400_000L;
  static final int LAGS = 3;

  private final int maxPeriod;
  private final int maxHistory;
  private final int learnSamples;
  private final RobustScale dayScale;
  private final RobustScale weekScale;
  private final boolean disabled;
  private double[] history; // value n (counted from the period's start) at history[n % length]
  private long firstInterval;
  private long regularIntervals;
  private long lastTimestamp;
  private long count;
  private long stored;
  private int period; // 0 while learning
  private boolean weekly;
  private boolean off;
  private double lastZ;
  private double lastScale;

  SeasonalDetector(int maxPeriod, int maxHistory, double scaleAlpha, int learnSamples) {
    this.maxPeriod = maxPeriod;
    this.maxHistory = maxHistory;
    this.learnSamples = Math.max(2, learnSamples);
    this.dayScale = new RobustScale(scaleAlpha);
    this.weekScale = new RobustScale(scaleAlpha);
    this.disabled = maxPeriod == 0;
    this.off = disabled;
  }

  /** Folds in {@code x} at {@code timestampMillis}; returns the chosen season's residual z or 0. */
  double update(long timestampMillis, double x) {
    lastZ = 0.0;
    lastScale = 0.0;
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
    count++;
    if (period == 0) {
      if (count == learnSamples) {
        decidePeriod();
      }
      return 0.0;
    }
    double z = 0.0;
    double dayResidual = residual(x, period);
    double weekResidual = weekly ? residual(x, 7 * period) : Double.NaN;
    if (dayResidual == dayResidual) {
      double dayZ = zOf(dayResidual, dayScale);
      double scale = dayScale.settled() ? dayScale.sigma() : 0.0;
      z = dayZ;
      if (weekResidual == weekResidual) {
        double weekZ = zOf(weekResidual, weekScale);
        if (weekScale.settled() && weekScale.sigma() < scale) {
          z = weekZ;
          scale = weekScale.sigma();
        }
        weekScale.update(weekResidual);
      }
      dayScale.update(dayResidual);
      lastScale = scale;
      if (scale == 0.0) {
        z = 0.0;
      }
    }
    history[(int) (stored % history.length)] = x;
    stored++;
    lastZ = z;
    return z;
  }

  private static double zOf(double residual, RobustScale scale) {
    double sigma = scale.sigma();
    return sigma > 0.0 ? residual / EwmaDetector.standardDeviationFloor(sigma, 0.0) : 0.0;
  }

  /** x minus the median of the stored values 1, 2 and 3 lags back; NaN before one lag is stored. */
  private double residual(double x, int lag) {
    if (stored < lag) {
      return Double.NaN;
    }
    int n = history.length;
    double a = history[(int) ((stored - lag) % n)];
    if (stored < 2L * lag) {
      return x - a;
    }
    double b = history[(int) ((stored - 2L * lag) % n)];
    if (stored < 3L * lag) {
      return x - 0.5 * (a + b);
    }
    double c = history[(int) ((stored - 3L * lag) % n)];
    return x - Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /**
   * Called once, after learnSamples: sets the period and allocates the history, or switches off.
   */
  private void decidePeriod() {
    boolean regular = firstInterval > 0 && regularIntervals >= 0.9 * (count - 1);
    if (!regular || DAY_MILLIS % firstInterval != 0) {
      off = true;
      return;
    }
    long p = DAY_MILLIS / firstInterval;
    if (p < 2 || p > maxPeriod || LAGS * p > maxHistory) {
      off = true;
      return;
    }
    weekly = LAGS * 7 * p <= maxHistory;
    period = (int) p;
    history = new double[(int) (weekly ? LAGS * 7 * p : LAGS * p)];
  }

  /** Whether a period was learnt (the detector scores once a season is stored). */
  boolean active() {
    return period > 0 && !off;
  }

  /** The robust standard deviation of the chosen season's residuals (0 until it is settled). */
  double residualScale() {
    return lastScale;
  }

  int period() {
    return period;
  }

  double lastZ() {
    return lastZ;
  }

  void reset() {
    dayScale.reset();
    weekScale.reset();
    history = null;
    firstInterval = 0;
    regularIntervals = 0;
    lastTimestamp = 0;
    count = 0;
    stored = 0;
    period = 0;
    weekly = false;
    off = disabled;
    lastZ = 0.0;
    lastScale = 0.0;
  }
}
