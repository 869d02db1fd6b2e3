package io.pipewatch.analyzer.detect;

/**
 * The streaming detectors of one series, combined into one anomaly score in [0, 1] per sample.
 *
 * <p>Each {@link #update} runs, against the state before the new value (no look-ahead):
 *
 * <ul>
 *   <li>a robust z-score against the median/MAD of the last {@code robust.window} values ({@link
 *       RobustWindowDetector}, Hampel) — spikes, dips, level shifts;
 *   <li>an EWMA mean/variance z-score ({@link EwmaDetector}, Roberts 1959) — departures from the
 *       recent level at the EWMA's memory;
 *   <li>a seasonal residual z-score ({@link SeasonalDetector}) — departures from the median of the
 *       same moment one, two and three days (or weeks) earlier, on regularly sampled series with a
 *       day of at most {@code seasonal.max-period-samples} samples;
 *   <li>a two-sided CUSUM over the robust z ({@link CusumDetector}, Page 1954) — small sustained
 *       shifts; its alarms are the {@link #changeDetected()} flag and add evidence to the score;
 *   <li>a Holt linear trend ({@link HoltTrendDetector}) — slope and time-to-limit forecast for the
 *       accessors; it does not feed the score.
 * </ul>
 *
 * <p>Combining, per sample:
 *
 * <ol>
 *   <li><b>Seasonality, detected online, never assumed.</b> The seasonal z is the evidence only
 *       while the series shows seasonality: its seasonal forecast's residual scale is below {@link
 *       #SEASONAL_GAIN} times the residual scale of the level model (the sliding median), i.e. the
 *       seasonal forecast removes at least half of the variance the level model leaves — the
 *       "seasonal strength" test of Wang, Smith and Hyndman (2006, "Characteristic-based clustering
 *       for time series data", Data Mining and Knowledge Discovery 13) at 0.5, both scales measured
 *       the same robust way ({@link RobustScale}). Otherwise the evidence is the mean of the robust
 *       and EWMA |z|: two level models with different memories and failure modes (the median/MAD
 *       window ignores outliers but lags a level shift by half a window; the EWMA follows it but is
 *       inflated by outliers), averaged as an ensemble. Their maximum, used before, took each
 *       sample's noisier opinion and inflated the noise floor on spiky series (cross-validated NAB,
 *       docs/benchmarks.md). So a daily rush hour is not an anomaly, and a series without a
 *       repeating shape is never judged against yesterday.
 *   <li><b>Evidence</b> {@code e = ln(1 + |z|)}, plus {@code cusum.boost} at a CUSUM alarm.
 *   <li><b>Calibration, multi-scale</b> ({@link SurpriseNormalizer}, after Ahmad et al. 2017's
 *       anomaly likelihood): for each averaging window {@code k} of {@code score.short-windows},
 *       how many long-term standard deviations the mean evidence of the last {@code k} samples sits
 *       above its long-term mean (weight {@code score.long-alpha}), mapped to {@code s / (s +
 *       score.surprise-scale)}; {@code raw} is the average over the windows. Short windows answer
 *       to spikes, long ones to sustained shifts; averaging the calibrated scores (an ensemble)
 *       instead of choosing one window keeps the score from hinging on that choice.
 *   <li><b>Onset.</b> An anomaly is worth most at its onset (as in NAB's scoring and in alerting),
 *       so the reported score is {@code raw} only when it exceeds {@code score.onset-margin} times
 *       an envelope that holds the last reported score and decays with a half-life of {@code
 *       robust.window} samples (once the median window has turned over, a level change is absorbed
 *       and a lasting excursion is judged afresh); otherwise 0. A long excursion yields one spike,
 *       and a new one only when it gets clearly worse or after the envelope has decayed.
 * </ol>
 *
 * <p>Non-finite values (NaN, infinities) and samples whose timestamp is not later than the previous
 * one are ignored: no state changes, {@link #update} returns 0 and {@link #ignored()} counts them.
 * The first {@code robust.window} samples score 0 (the robust z needs a full window).
 *
 * <p>Cost per sample: O(1) for EWMA, CUSUM, Holt, the seasonal forecast, calibration and onset;
 * O(w) element moves (one {@code arraycopy}) and an O(log w) MAD search for the median/MAD window
 * (w fixed, 200 by default), so constant in the series' length. State: arrays allocated at creation
 * (2 x 200 doubles for the window, the calibration rings) and, once a regular series' sampling
 * period is learnt, its seasonal history ({@code 21 P} values, at most {@code
 * seasonal.max-history-samples}: 48 KB for a 5-minute series, none for a 100 ms one); nothing is
 * allocated per sample. Not thread-safe: one owner (an actor) per instance.
 *
 * <pre>{@code
 * SeriesDetector heap = SeriesDetector.create(DetectorSettings.create(config));
 * double score = heap.update(sample.timestampMillis(), sample.value());
 * if (heap.millisToReach(heapLimit) < 240_000) { ... "reaches its limit in ~4 min" ... }
 * }</pre>
 */
public final class SeriesDetector {
  /**
   * The seasonal model is believed only if its residual scale is below this fraction of the level
   * model's: it must remove at least half of the variance (0.7^2 < 0.5) the level model leaves.
   */
  static final double SEASONAL_GAIN = 0.7;

  private final long warmUp;
  private final EwmaDetector ewma;
  private final RobustWindowDetector robust;
  private final CusumDetector cusum;
  private final HoltTrendDetector trend;
  private final SeasonalDetector seasonal;
  private final SurpriseNormalizer[] surprises;
  private final RobustScale levelScale;
  private final double cusumBoost;
  private final double surpriseScale;
  private final double onsetMargin;
  private final double envelopeDecay;

  private long samples;
  private long ignored;
  private long lastTimestamp = Long.MIN_VALUE;
  private double envelope;
  private double lastRawScore;
  private double lastScore;
  private int lastChange;
  private boolean seasonalChosen;

  private SeriesDetector(DetectorSettings settings) {
    this.warmUp = settings.warmUpSamples();
    this.ewma = new EwmaDetector(settings.ewmaAlpha(), settings.warmUpSamples());
    this.robust = new RobustWindowDetector(settings.robustWindow());
    this.cusum =
        new CusumDetector(settings.cusumDrift(), settings.cusumThreshold(), settings.cusumClip());
    this.trend = new HoltTrendDetector(settings.trendAlpha(), settings.trendBeta());
    this.seasonal =
        new SeasonalDetector(
            settings.seasonalMaxPeriod(),
            settings.seasonalMaxHistory(),
            1.0 / settings.seasonalWindow(),
            settings.warmUpSamples());
    this.levelScale = new RobustScale(1.0 / settings.seasonalWindow());
    this.surprises = new SurpriseNormalizer[settings.shortWindows().size()];
    for (int i = 0; i < surprises.length; i++) {
      surprises[i] = new SurpriseNormalizer(settings.shortWindows().get(i), settings.longAlpha());
    }
    this.cusumBoost = settings.cusumBoost();
    this.surpriseScale = settings.surpriseScale();
    this.onsetMargin = settings.onsetMargin();
    this.envelopeDecay = Math.pow(0.5, 1.0 / settings.onsetHalfLifeSamples());
  }

  /** A detector with fresh state for one series. */
  public static SeriesDetector create(DetectorSettings settings) {
    return new SeriesDetector(settings);
  }

  /**
   * Folds in one sample and returns its anomaly score in [0, 1) (0 during the warm-up, for ignored
   * samples, and while an already reported anomaly persists without getting worse).
   */
  public double update(long timestampMillis, double value) {
    if (!Double.isFinite(value) || timestampMillis <= lastTimestamp) {
      ignored++;
      lastScore = 0.0;
      lastRawScore = 0.0;
      lastChange = 0;
      return 0.0;
    }
    lastTimestamp = timestampMillis;
    samples++;
    double zRobust = robust.update(value);
    double zEwma = ewma.update(value);
    double zSeasonal = seasonal.update(timestampMillis, value);
    trend.update(timestampMillis, value);
    if (samples <= warmUp) {
      lastChange = 0;
      lastRawScore = 0.0;
      lastScore = 0.0;
      return 0.0;
    }
    lastChange = cusum.update(zRobust);
    levelScale.update(value - robust.lastMedian());
    double seasonalScale = seasonal.residualScale();
    seasonalChosen =
        seasonalScale > 0.0
            && levelScale.settled()
            && seasonalScale < SEASONAL_GAIN * levelScale.sigma();
    double z = seasonalChosen ? Math.abs(zSeasonal) : 0.5 * (Math.abs(zRobust) + Math.abs(zEwma));
    double evidence = Math.log1p(z);
    if (lastChange != 0) {
      evidence += cusumBoost;
    }
    double sum = 0.0;
    for (SurpriseNormalizer n : surprises) {
      double s = n.update(evidence);
      sum += s / (s + surpriseScale);
    }
    double raw = sum / surprises.length;
    lastRawScore = raw;
    envelope *= envelopeDecay;
    double score = 0.0;
    if (raw > envelope * onsetMargin) {
      score = raw;
      envelope = raw;
    }
    lastScore = score;
    return score;
  }

  /** The score returned by the last {@link #update}. */
  public double lastScore() {
    return lastScore;
  }

  /** The combined score of the last sample before onset shaping (sustained while it lasts). */
  public double lastRawScore() {
    return lastRawScore;
  }

  /** The EWMA z-score of the last sample. */
  public double lastZ() {
    return ewma.lastZ();
  }

  /** The robust (median/MAD) z-score of the last sample. */
  public double lastRobustZ() {
    return robust.lastZ();
  }

  /** The daily-seasonal residual z-score of the last sample (0 when that detector is off). */
  public double lastSeasonalZ() {
    return seasonal.lastZ();
  }

  /** Whether the last score judged the series by its daily shape (see the class comment). */
  public boolean seasonalModelChosen() {
    return seasonalChosen;
  }

  /** Whether the CUSUM signalled a change at the last sample. */
  public boolean changeDetected() {
    return lastChange != 0;
  }

  /** +1 for an upward change at the last sample, -1 for a downward one, 0 for none. */
  public int changeDirection() {
    return lastChange;
  }

  /** The EWMA mean: the series' recent baseline. */
  public double baseline() {
    return ewma.mean();
  }

  /** The Holt trend's slope in value units per second. */
  public double trendSlopePerSecond() {
    return trend.slopePerSecond();
  }

  /** The Holt trend's current level (smoothed value). */
  public double trendLevel() {
    return trend.level();
  }

  /**
   * Milliseconds from the last sample until the linear trend reaches {@code limit}, or {@code
   * +Infinity} if it is flat or heading away (see {@link HoltTrendDetector#millisToReach}).
   */
  public double millisToReach(double limit) {
    return trend.millisToReach(limit);
  }

  /** Samples folded in so far (ignored ones excluded). */
  public long samples() {
    return samples;
  }

  /** Samples ignored so far: non-finite values, timestamps not after the previous one. */
  public long ignored() {
    return ignored;
  }

  /** Forgets everything, as if newly created. */
  public void reset() {
    ewma.reset();
    robust.reset();
    cusum.reset();
    trend.reset();
    seasonal.reset();
    for (SurpriseNormalizer n : surprises) {
      n.reset();
    }
    levelScale.reset();
    samples = 0;
    ignored = 0;
    lastTimestamp = Long.MIN_VALUE;
    envelope = 0.0;
    lastRawScore = 0.0;
    lastScore = 0.0;
    lastChange = 0;
    seasonalChosen = false;
  }
}
