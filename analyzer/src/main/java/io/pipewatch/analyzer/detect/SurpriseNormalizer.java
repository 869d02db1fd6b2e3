package io.pipewatch.analyzer.detect;

/**
 * Turns a per-sample evidence value into "how unusual is the recent evidence for this series", so
 * that one threshold fits series whose detectors are noisy to very different degrees.
 *
 * <p>Follows the anomaly likelihood of Ahmad, Lavin, Purdy and Agha (2017), "Unsupervised real-time
 * anomaly detection for streaming data", Neurocomputing 262 (the post-processing that Numenta's HTM
 * detector uses on NAB): the short-term mean of the evidence (the last {@code k} values) is
 * compared with its long-term distribution, here an exponentially weighted mean and variance with
 * weight {@code longAlpha} (a cumulative average while fewer than {@code 1 / longAlpha} values were
 * seen). The output is {@code s = (shortMean - longMean) / longSd}, the number of long-term
 * standard deviations by which recent evidence exceeds its norm, and 0 when it does not. A spiky
 * series whose detectors routinely report |z| = 8 thus needs far more than 8 to look surprising, a
 * calm one does not. The long-term statistics are updated after the comparison (no self-masking).
 *
 * <p>Cost: a {@code double[k]} ring allocated once, O(1) work per sample, no allocation.
 */
final class SurpriseNormalizer {
  private static final double MIN_SD = 1e-3;

  private final double[] recent;
  private final double longAlpha;
  private double recentSum;
  private int next;
  private long count;
  private double longMean;
  private double longVariance;

  SurpriseNormalizer(int shortWindow, double longAlpha) {
    this.recent = new double[shortWindow];
    this.longAlpha = longAlpha;
  }

  /** Folds in {@code evidence} (finite, >= 0) and returns the surprise, >= 0. */
  double update(double evidence) {
    recentSum += evidence - recent[next];
    recent[next] = evidence;
    next = next + 1 == recent.length ? 0 : next + 1;
    if (next == 0) {
      // Once per k samples, re-add the ring so rounding errors of the running sum cannot build up.
      double sum = 0.0;
      for (double v : recent) {
        sum += v;
      }
      recentSum = sum;
    }
    count++;
    double surprise = 0.0;
    if (count > recent.length) {
      double shortMean = recentSum / recent.length;
      surprise = (shortMean - longMean) / (Math.sqrt(longVariance) + MIN_SD);
      if (surprise < 0.0) {
        surprise = 0.0;
      }
    }
    double alpha = Math.max(longAlpha, 1.0 / count);
    double diff = evidence - longMean;
    longMean += alpha * diff;
    longVariance = (1.0 - alpha) * (longVariance + alpha * diff * diff);
    return surprise;
  }

  void reset() {
    java.util.Arrays.fill(recent, 0.0);
    recentSum = 0.0;
    next = 0;
    count = 0;
    longMean = 0.0;
    longVariance = 0.0;
  }
}
