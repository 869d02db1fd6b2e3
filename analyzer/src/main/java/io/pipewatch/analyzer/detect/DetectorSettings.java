package io.pipewatch.analyzer.detect;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;

/**
 * Typed, validated settings of the per-series streaming detectors, read once from {@code
 * pipewatch.analyzer.detectors} (defaults in the analyzer's {@code reference.conf}, where each key
 * is explained). A bad value fails with an {@link InvalidSettingException} naming the key.
 *
 * <pre>{@code
 * DetectorSettings settings = DetectorSettings.create(system.settings().config());
 * SeriesDetector cpu = SeriesDetector.create(settings);
 * }</pre>
 *
 * <p>One length, {@code robust.window} ({@code w}), sets every memory that is about "the recent
 * level": the sliding median/MAD window itself; the warm-up ({@link #warmUpSamples()}: no score
 * until the window is full, the robust z is undefined before); the memory of the seasonal and level
 * residual scales ({@link #seasonalWindow()}: a scale remembers as long as the level it is measured
 * against); and the half-life of the onset envelope ({@link #onsetHalfLifeSamples()}: once the
 * window has turned over, the median has absorbed a level change, so an excursion still scoring
 * after that is judged afresh). These were three separate keys with the same value, 200.
 *
 * @param ewmaAlpha weight of the newest value in the EWMA mean and variance
 * @param robustWindow values kept for the sliding median/MAD
 * @param cusumDrift CUSUM allowance k, in standard deviations
 * @param cusumThreshold CUSUM decision interval h, in standard deviations
 * @param cusumClip bound on each standardised residual fed to the CUSUM
 * @param cusumBoost evidence added to the score at a CUSUM alarm
 * @param trendAlpha Holt level smoothing
 * @param trendBeta Holt slope smoothing
 * @param seasonalMaxPeriod most samples per day for which the daily-seasonal detector runs; 0 turns
 *     it off
 * @param seasonalMaxHistory most values a series may keep for its seasonal forecast
 * @param shortWindows averaging windows (samples) of the multi-scale surprise score, one calibrated
 *     score each
 * @param longAlpha weight of the newest value in the long-term evidence mean and variance
 * @param surpriseScale the surprise (in long-term standard deviations) that scores 0.5
 * @param onsetMargin factor by which a score must exceed the envelope to be reported again
 */
public record DetectorSettings(
    double ewmaAlpha,
    int robustWindow,
    double cusumDrift,
    double cusumThreshold,
    double cusumClip,
    double cusumBoost,
    double trendAlpha,
    double trendBeta,
    int seasonalMaxPeriod,
    int seasonalMaxHistory,
    java.util.List<Integer> shortWindows,
    double longAlpha,
    double surpriseScale,
    double onsetMargin) {

  /** The config section these settings are read from. */
  public static final String SECTION = "pipewatch.analyzer.detectors";

  /** Reads and validates {@link #SECTION} of {@code root}. */
  public static DetectorSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, SECTION);
    int robustWindow = in.intInRange("robust.window", 8, 4096);
    double drift = in.doubleInRange("cusum.drift", 0.0, 10.0);
    double clip = in.doubleInRange("cusum.clip", 0.1, 100.0);
    if (clip <= drift) {
      throw new InvalidSettingException(
          in.key("cusum.clip"), "a number above cusum.drift (" + drift + ")", clip);
    }
    return new DetectorSettings(
        positiveFraction(in, "ewma.alpha"),
        robustWindow,
        drift,
        in.doubleInRange("cusum.threshold", 0.1, 1000.0),
        clip,
        in.doubleInRange("cusum.boost", 0.0, 100.0),
        positiveFraction(in, "trend.alpha"),
        positiveFraction(in, "trend.beta"),
        in.intInRange("seasonal.max-period-samples", 0, 100_000),
        in.intInRange("seasonal.max-history-samples", 0, 1_000_000),
        shortWindows(in),
        positiveFraction(in, "score.long-alpha"),
        in.doubleInRange("score.surprise-scale", 0.01, 1000.0),
        in.doubleInRange("score.onset-margin", 1.0, 100.0));
  }

  /** Samples a series must have seen before it is scored at all: {@code robust.window}. */
  public int warmUpSamples() {
    return robustWindow;
  }

  /** Memory, in residuals, of the seasonal and level residual scales: {@code robust.window}. */
  public int seasonalWindow() {
    return robustWindow;
  }

  /** Half-life, in samples, of the onset envelope: {@code robust.window}. */
  public double onsetHalfLifeSamples() {
    return robustWindow;
  }

  private static java.util.List<Integer> shortWindows(SettingsReader in) {
    String path = "score.short-windows";
    String expected = "a list of 1 to 8 integers, each 1..1000";
    java.util.List<Integer> windows;
    try {
      windows = java.util.List.copyOf(in.config().getIntList(path));
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidSettingException(
          in.key(path), expected, in.config().getValue(path).unwrapped());
    }
    if (windows.isEmpty() || windows.size() > 8) {
      throw new InvalidSettingException(in.key(path), expected, windows);
    }
    for (int w : windows) {
      if (w < 1 || w > 1000) {
        throw new InvalidSettingException(in.key(path), expected, windows);
      }
    }
    return windows;
  }

  private static double positiveFraction(SettingsReader in, String path) {
    double value = in.doubleInRange(path, 0.0, 1.0);
    if (value == 0.0) {
      throw new InvalidSettingException(in.key(path), "a number above 0 and at most 1", value);
    }
    return value;
  }
}
