package io.pipewatch.collector.history;

import java.util.Arrays;

/**
 * One resolution of a source's history: a ring of slots whose timestamps are shared by every series
 * of the source, and per series a ring of values at the same indices.
 *
 * <p>The raw tier stores one slot per batch, as is. A downsampled tier aggregates the raw values of
 * each series over fixed buckets ({@code floor(ts / resolution)}): on the first batch of a new
 * bucket it closes the previous one and stores its mean (sum / count of non-missing values, as a
 * double), min and max (as floats, 4 bytes each; the mean is exact, the extremes within float
 * precision). A bucket with no value for a series stores NaN (a gap). Every downsampled tier
 * accumulates from raw values, not from the next finer tier, so its mean is the exact mean of the
 * raw points, not a mean of means. Rings start small and double until they reach capacity, so
 * memory follows the data held.
 */
final class Tier {
  private static final int INITIAL_SLOTS = 64;

  final long resolutionMillis;
  final int capacity;
  final boolean raw;
  private final long retentionMillis;

  private long[] timestamps;
  private long written;
  private double[][] mean = new double[0][];
  private float[][] min = new float[0][];
  private float[][] max = new float[0][];
  private int series;

  // open bucket accumulators (downsampled tiers only)
  private long openBucket = Long.MIN_VALUE;
  private double[] accSum = new double[0];
  private int[] accCount = new int[0];
  private double[] accMin = new double[0];
  private double[] accMax = new double[0];

  Tier(HistorySettings.Tier spec, boolean raw) {
    this.resolutionMillis = spec.resolutionMillis();
    this.retentionMillis = spec.retention().toMillis();
    this.capacity = spec.capacity();
    this.raw = raw;
    this.timestamps = new long[Math.min(capacity, INITIAL_SLOTS)];
  }

  long retentionMillis() {
    return retentionMillis;
  }

  void addSeries() {
    int s = series++;
    mean = Arrays.copyOf(mean, series);
    mean[s] = nanArray(timestamps.length);
    if (!raw) {
      min = Arrays.copyOf(min, series);
      max = Arrays.copyOf(max, series);
      min[s] = nanFloats(timestamps.length);
      max[s] = nanFloats(timestamps.length);
      accSum = Arrays.copyOf(accSum, series);
      accCount = Arrays.copyOf(accCount, series);
      accMin = Arrays.copyOf(accMin, series);
      accMax = Arrays.copyOf(accMax, series);
      accMin[s] = Double.POSITIVE_INFINITY;
      accMax[s] = Double.NEGATIVE_INFINITY;
    }
  }

  /** Takes one batch: {@code values[s]} is series s's value at {@code ts}, NaN when absent. */
  void offer(long ts, double[] values) {
    if (raw) {
      int slot = nextSlot(ts);
      for (int s = 0; s < series; s++) {
        mean[s][slot] = values[s];
      }
      return;
    }
    long bucket = Math.floorDiv(ts, resolutionMillis) * resolutionMillis;
    if (bucket != openBucket) {
      if (openBucket != Long.MIN_VALUE) {
        closeBucket();
      }
      openBucket = bucket;
    }
    for (int s = 0; s < series; s++) {
      double v = values[s];
      if (!Double.isNaN(v)) {
        accSum[s] += v;
        accCount[s]++;
        if (v < accMin[s]) {
          accMin[s] = v;
        }
        if (v > accMax[s]) {
          accMax[s] = v;
        }
      }
    }
  }

  private void closeBucket() {
    int slot = nextSlot(openBucket);
    for (int s = 0; s < series; s++) {
      int n = accCount[s];
      if (n == 0) {
        mean[s][slot] = Double.NaN;
        min[s][slot] = Float.NaN;
        max[s][slot] = Float.NaN;
      } else {
        mean[s][slot] = accSum[s] / n;
        min[s][slot] = (float) accMin[s];
        max[s][slot] = (float) accMax[s];
      }
      accSum[s] = 0;
      accCount[s] = 0;
      accMin[s] = Double.POSITIVE_INFINITY;
      accMax[s] = Double.NEGATIVE_INFINITY;
    }
  }

  private int nextSlot(long ts) {
    int slot = (int) (written % capacity);
    if (slot >= timestamps.length) {
      grow();
    }
    timestamps[slot] = ts;
    written++;
    return slot;
  }

  private void grow() {
    int length = (int) Math.min(capacity, (long) timestamps.length * 2);
    timestamps = Arrays.copyOf(timestamps, length);
    for (int s = 0; s < series; s++) {
      mean[s] = grow(mean[s], length);
      if (!raw) {
        min[s] = grow(min[s], length);
        max[s] = grow(max[s], length);
      }
    }
  }

  /** Slots currently held (closed buckets for downsampled tiers). */
  int held() {
    return (int) Math.min(written, capacity);
  }

  /** Oldest timestamp held, or Long.MAX_VALUE when empty. */
  long oldest() {
    if (written == 0) {
      return Long.MAX_VALUE;
    }
    return timestamps[written <= capacity ? 0 : (int) (written % capacity)];
  }

  /** Points of {@code s} with {@code from <= ts <= to}, oldest first, gaps left out. */
  SeriesRange range(int s, long from, long to) {
    int n = held();
    int start = written <= capacity ? 0 : (int) (written % capacity);
    int count = 0;
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % capacity;
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(mean[s][slot])) {
        count++;
      }
    }
    long[] outTs = new long[count];
    double[] outV = new double[count];
    double[] outMin = raw ? outV : new double[count];
    double[] outMax = raw ? outV : new double[count];
    int j = 0;
    for (int i = 0; i < n; i++) {
      int slot = (start + i) % capacity;
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(mean[s][slot])) {
        outTs[j] = ts;
        outV[j] = mean[s][slot];
        if (!raw) {
          outMin[j] = min[s][slot];
          outMax[j] = max[s][slot];
        }
        j++;
      }
    }
    return new SeriesRange(raw ? 0 : resolutionMillis, outTs, outV, outMin, outMax);
  }

  private static double[] nanArray(int n) {
    double[] a = new double[n];
    Arrays.fill(a, Double.NaN);
    return a;
  }

  private static float[] nanFloats(int n) {
    float[] a = new float[n];
    Arrays.fill(a, Float.NaN);
    return a;
  }

  private static double[] grow(double[] a, int n) {
    int old = a.length;
    double[] b = Arrays.copyOf(a, n);
    Arrays.fill(b, old, n, Double.NaN);
    return b;
  }

  private static float[] grow(float[] a, int n) {
    int old = a.length;
    float[] b = Arrays.copyOf(a, n);
    Arrays.fill(b, old, n, Float.NaN);
    return b;
  }
}
