package io.pipewatch.collector.history;

import java.util.Arrays;

/**
 * One resolution of a source's history: {@link RawTier} (one slot per batch) or {@link BucketTier}
 * (mean, min and max per fixed bucket). Both take batches out of time order as long as they are
 * within the late horizon the {@link SourceHistory} was built with, and keep their points sorted by
 * time.
 */
sealed interface Tier permits RawTier, BucketTier {

  /** Ring slots one tier starts with; rings double until they reach capacity. */
  int INITIAL_SLOTS = 64;

  /** How far back a query may reach in this tier (its retention). */
  long retentionMillis();

  /**
   * Takes one batch: {@code values[s]} is series s's value at {@code ts}, NaN when absent. {@code
   * newest} is the newest timestamp of the source including this batch.
   */
  void offer(long ts, double[] values, long newest);

  /** Adds a series (gaps everywhere so far). */
  void addSeries();

  /** Points held (slots, gaps included). */
  int held();

  /** Points of {@code s} with {@code from <= ts <= to}, oldest first, gaps left out. */
  SeriesRange range(int s, long from, long to);

  static double[] nanArray(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  static float[] nanFloats(int n) {
    float[] a = new float[n];
    Arrays.fill(a, Float.NaN);
    return a;
  }

  static double[] grow(double[] a, int n) {
    int old = a.length;
    double[] b = Arrays.copyOf(a, n);
    Arrays.fill(b, old, n, Double.NaN);
    return b;
  }

  static float[] grow(float[] a, int n) {
    int old = a.length;
    float[] b = Arrays.copyOf(a, n);
    Arrays.fill(b, old, n, Float.NaN);
    return b;
  }
}
