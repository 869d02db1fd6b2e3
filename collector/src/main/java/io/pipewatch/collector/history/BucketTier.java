package io.pipewatch.collector.history;

import java.util.Arrays;

/**
 * A downsampled resolution: the raw values of each series are aggregated over fixed buckets ({@code
 * floor(ts / resolution)}) into their mean (sum / count of non-missing values, as a double), min
 * and max (as floats, 4 bytes each; the mean is exact, the extremes within float precision). A
 * bucket with no value for a series holds NaN (a gap). Every downsampled tier accumulates from raw
 * values, not from the next finer tier, so its mean is the exact mean of the raw points, not a mean
 * of means.
 *
 * <p>Late batches: a bucket stays <em>open</em> (its sum, count, min and max kept per series) while
 * a batch could still land in it, that is while its end is after {@code newest - lateHorizon}; a
 * batch of any time within the horizon is merged into its bucket whatever the order of arrival.
 * Once a bucket can no longer change it is closed into the ring (mean, min, max). Reads see closed
 * and open buckets alike, so the newest bucket is visible while it fills. Rings start small and
 * double until they reach capacity, so memory follows the data held; open buckets cost 28 bytes per
 * series each, and there are at most {@code lateHorizon / resolution + 2} of them.
 */
final class BucketTier implements Tier {
  final long resolutionMillis;
  private final int capacity;
  private final long retentionMillis;
  private final long lateHorizonMillis;

  // closed buckets: a ring sorted by bucket start
  private long[] timestamps;
  private long written;
  private double[][] mean = new double[0][];
  private float[][] min = new float[0][];
  private float[][] max = new float[0][];
  private int series;

  // open buckets, sorted by start: index 0 is the oldest
  private final int maxOpen;
  private final long[] openStart;
  private int open;
  private double[][] accSum = new double[0][];
  private int[][] accCount = new int[0][];
  private double[][] accMin = new double[0][];
  private double[][] accMax = new double[0][];

  BucketTier(HistorySettings.Tier spec, long lateHorizonMillis) {
    this.resolutionMillis = spec.resolutionMillis();
    this.retentionMillis = spec.retention().toMillis();
    this.capacity = spec.capacity();
    this.lateHorizonMillis = lateHorizonMillis;
    this.timestamps = new long[Math.min(capacity, INITIAL_SLOTS)];
    this.maxOpen = (int) Math.min(100_000, lateHorizonMillis / resolutionMillis + 2);
    this.openStart = new long[maxOpen];
  }

  @Override
  public long retentionMillis() {
    return retentionMillis;
  }

  @Override
  public void addSeries() {
    int s = series++;
    mean = Arrays.copyOf(mean, series);
    min = Arrays.copyOf(min, series);
    max = Arrays.copyOf(max, series);
    mean[s] = Tier.nanArray(timestamps.length);
    min[s] = Tier.nanFloats(timestamps.length);
    max[s] = Tier.nanFloats(timestamps.length);
    accSum = Arrays.copyOf(accSum, series);
    accCount = Arrays.copyOf(accCount, series);
    accMin = Arrays.copyOf(accMin, series);
    accMax = Arrays.copyOf(accMax, series);
    accSum[s] = new double[maxOpen];
    accCount[s] = new int[maxOpen];
    accMin[s] = new double[maxOpen];
    accMax[s] = new double[maxOpen];
    Arrays.fill(accMin[s], Double.POSITIVE_INFINITY);
    Arrays.fill(accMax[s], Double.NEGATIVE_INFINITY);
  }

  @Override
  public void offer(long ts, double[] values, long newest) {
    long bucket = Math.floorDiv(ts, resolutionMillis) * resolutionMillis;
    int at = openIndex(bucket);
    if (at < 0) {
      return; // closed already: older than the late horizon
    }
    for (int s = 0; s < series; s++) {
      double v = values[s];
      if (!Double.isNaN(v)) {
        accSum[s][at] += v;
        accCount[s][at]++;
        if (v < accMin[s][at]) {
          accMin[s][at] = v;
        }
        if (v > accMax[s][at]) {
          accMax[s][at] = v;
        }
      }
    }
    closeUpTo(newest - lateHorizonMillis);
  }

  /** Index of the open bucket starting at {@code bucket}, opening it if needed; -1 when closed. */
  private int openIndex(long bucket) {
    int i = open - 1;
    while (i >= 0 && openStart[i] > bucket) {
      i--;
    }
    if (i >= 0 && openStart[i] == bucket) {
      return i;
    }
    if (written > 0 && bucket <= newestClosed()) {
      return -1;
    }
    if (open == maxOpen) {
      closeOldest();
      i--;
      if (i < -1) {
        return -1;
      }
    }
    int at = i + 1; // insert here, moving the newer open buckets up by one
    for (int j = open; j > at; j--) {
      openStart[j] = openStart[j - 1];
      for (int s = 0; s < series; s++) {
        accSum[s][j] = accSum[s][j - 1];
        accCount[s][j] = accCount[s][j - 1];
        accMin[s][j] = accMin[s][j - 1];
        accMax[s][j] = accMax[s][j - 1];
      }
    }
    openStart[at] = bucket;
    for (int s = 0; s < series; s++) {
      accSum[s][at] = 0;
      accCount[s][at] = 0;
      accMin[s][at] = Double.POSITIVE_INFINITY;
      accMax[s][at] = Double.NEGATIVE_INFINITY;
    }
    open++;
    return at;
  }

  /** Closes every open bucket that ends at or before {@code limit}, oldest first. */
  private void closeUpTo(long limit) {
    while (open > 0 && openStart[0] + resolutionMillis <= limit) {
      closeOldest();
    }
  }

  private void closeOldest() {
    int slot = nextSlot(openStart[0]);
    for (int s = 0; s < series; s++) {
      int n = accCount[s][0];
      if (n == 0) {
        mean[s][slot] = Double.NaN;
        min[s][slot] = Float.NaN;
        max[s][slot] = Float.NaN;
      } else {
        mean[s][slot] = accSum[s][0] / n;
        min[s][slot] = (float) accMin[s][0];
        max[s][slot] = (float) accMax[s][0];
      }
      System.arraycopy(accSum[s], 1, accSum[s], 0, open - 1);
      System.arraycopy(accCount[s], 1, accCount[s], 0, open - 1);
      System.arraycopy(accMin[s], 1, accMin[s], 0, open - 1);
      System.arraycopy(accMax[s], 1, accMax[s], 0, open - 1);
    }
    System.arraycopy(openStart, 1, openStart, 0, open - 1);
    open--;
  }

  private long newestClosed() {
    return timestamps[physical(closedHeld() - 1)];
  }

  private int nextSlot(long ts) {
    if (written < capacity && written >= timestamps.length) {
      grow();
    }
    int slot = (int) (written % capacity);
    timestamps[slot] = ts;
    written++;
    return slot;
  }

  private void grow() {
    int length = (int) Math.min(capacity, (long) timestamps.length * 2);
    timestamps = Arrays.copyOf(timestamps, length);
    for (int s = 0; s < series; s++) {
      mean[s] = Tier.grow(mean[s], length);
      min[s] = Tier.grow(min[s], length);
      max[s] = Tier.grow(max[s], length);
    }
  }

  private int physical(int i) {
    if (written <= capacity) {
      return i;
    }
    return (int) ((written + i) % capacity);
  }

  private int closedHeld() {
    return (int) Math.min(written, capacity);
  }

  @Override
  public int held() {
    return closedHeld() + open;
  }

  @Override
  public SeriesRange range(int s, long from, long to) {
    int closed = closedHeld();
    int count = 0;
    for (int i = 0; i < closed; i++) {
      int slot = physical(i);
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(mean[s][slot])) {
        count++;
      }
    }
    for (int i = 0; i < open; i++) {
      if (openStart[i] >= from && openStart[i] <= to && accCount[s][i] > 0) {
        count++;
      }
    }
    long[] outTs = new long[count];
    double[] outV = new double[count];
    double[] outMin = new double[count];
    double[] outMax = new double[count];
    int j = 0;
    for (int i = 0; i < closed; i++) {
      int slot = physical(i);
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(mean[s][slot])) {
        outTs[j] = ts;
        outV[j] = mean[s][slot];
        outMin[j] = min[s][slot];
        outMax[j] = max[s][slot];
        j++;
      }
    }
    for (int i = 0; i < open; i++) {
      if (openStart[i] >= from && openStart[i] <= to && accCount[s][i] > 0) {
        outTs[j] = openStart[i];
        outV[j] = accSum[s][i] / accCount[s][i];
        outMin[j] = (float) accMin[s][i];
        outMax[j] = (float) accMax[s][i];
        j++;
      }
    }
    return new SeriesRange(resolutionMillis, outTs, outV, outMin, outMax);
  }
}
