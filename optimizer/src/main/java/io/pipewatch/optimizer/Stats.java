package io.pipewatch.optimizer;

import java.util.Arrays;
import java.util.List;

/**
 * Small statistics the optimizer needs: medians, and the Mann–Whitney U test (H. B. Mann and D. R.
 * Whitney, Ann. Math. Statist. 18(1), 1947) with the normal approximation, average ranks for ties
 * and the tie-corrected variance — rank-based, so the heavy tails of latency do not fool it.
 */
final class Stats {
  private Stats() {}

  /** The finite values of {@code signal} in {@code observations}, in order. */
  static double[] values(List<Observation> observations, String signal) {
    double[] out = new double[observations.size()];
    int n = 0;
    for (Observation o : observations) {
      double v = o.get(signal);
      if (Double.isFinite(v)) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  static double mean(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /**
   * The two-sided p-value of the Mann–Whitney U test that {@code a} and {@code b} come from the
   * same distribution (1 if either sample is empty or every value is tied).
   */
  static double mannWhitneyP(double[] a, double[] b) {
    int n1 = a.length;
    int n2 = b.length;
    if (n1 == 0 || n2 == 0) {
      return 1;
    }
    int n = n1 + n2;
    double[] all = new double[n];
    boolean[] fromA = new boolean[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      all[i] = i < n1 ? a[i] : b[i - n1];
      fromA[i] = i < n1;
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Double.compare(all[x], all[y]));
    double rankSumA = 0;
    double tieTerm = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      int t = j - i + 1;
      tieTerm += (double) t * t * t - t;
      for (int k = i; k <= j; k++) {
        if (fromA[order[k]]) {
          rankSumA += rank;
        }
      }
      i = j + 1;
    }
    double u = rankSumA - n1 * (n1 + 1) / 2.0;
    double mean = n1 * (double) n2 / 2;
    double variance = n1 * (double) n2 / 12 * ((n + 1) - tieTerm / ((double) n * (n - 1)));
    if (!(variance > 0)) {
      return 1;
    }
    double z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
    return Math.min(1, 2 * (1 - normalCdf(z)));
  }

  /**
   * The standard normal distribution function, through erf's rational approximation 7.1.26 of
   * Abramowitz and Stegun (absolute error below 1.5e-7).
   */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double poly =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double erf = 1 - poly * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }
}
