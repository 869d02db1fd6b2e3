package io.pipewatch.collector.ingest.otlp;

import io.pipewatch.collector.HistogramValue;

/**
 * Quantiles of a bucketed distribution, estimated as Prometheus' {@code histogram_quantile} does:
 * find the bucket holding rank {@code q * count} and interpolate linearly between its bounds. The
 * first bucket starts at the recorded minimum when there is one (else at 0 for a positive upper
 * bound), the open last bucket ends at the recorded maximum when there is one (else at its lower
 * bound), and every estimate is clamped to {@code [min, max]} when those were recorded.
 *
 * <p>Buckets are given in ascending order as {@code lower[i] < value <= upper[i]} with {@code
 * counts[i]} values each; {@code n} is how many of the arrays' entries are used.
 */
final class BucketQuantiles {
  private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};

  private BucketQuantiles() {}

  /**
   * The {@link HistogramValue} for {@code count} values summing to {@code sum}; {@code min} and
   * {@code max} are NaN when not recorded.
   */
  static HistogramValue of(
      double[] lower,
      double[] upper,
      long[] counts,
      int n,
      long count,
      double sum,
      double min,
      double max) {
    double[] q = new double[QUANTILES.length];
    double mean = count == 0 ? 0 : sum / count;
    int highest = -1;
    for (int i = 0; i < n; i++) {
      if (counts[i] > 0) {
        highest = i;
      }
    }
    for (int k = 0; k < QUANTILES.length; k++) {
      q[k] =
          count == 0
              ? 0
              : clamp(estimate(lower, upper, counts, n, count, QUANTILES[k], mean), min, max);
    }
    double top;
    if (!Double.isNaN(max)) {
      top = max;
    } else if (count == 0) {
      top = 0;
    } else if (highest < 0) {
      top = mean;
    } else {
      top = Double.isFinite(upper[highest]) ? upper[highest] : lower[highest];
    }
    for (int k = 1; k < q.length; k++) {
      q[k] = Math.max(q[k], q[k - 1]);
    }
    top = Math.max(top, q[q.length - 1]);
    return new HistogramValue(count, sum, q[0], q[1], q[2], q[3], top);
  }

  private static double estimate(
      double[] lower,
      double[] upper,
      long[] counts,
      int n,
      long count,
      double quantile,
      double mean) {
    double rank = quantile * count;
    long before = 0;
    for (int i = 0; i < n; i++) {
      long c = counts[i];
      if (c > 0 && before + c >= rank) {
        double lo = lower[i];
        double hi = upper[i];
        if (!Double.isFinite(lo) && !Double.isFinite(hi)) {
          return mean;
        }
        if (!Double.isFinite(hi)) {
          return lo;
        }
        if (!Double.isFinite(lo)) {
          return hi;
        }
        return lo + (hi - lo) * Math.max(0, rank - before) / c;
      }
      before += c;
    }
    return n == 0 ? mean : (Double.isFinite(upper[n - 1]) ? upper[n - 1] : lower[n - 1]);
  }

  private static double clamp(double value, double min, double max) {
    double out = value;
    if (!Double.isNaN(min)) {
      out = Math.max(out, min);
    }
    if (!Double.isNaN(max)) {
      out = Math.min(out, max);
    }
    return out;
  }
}
