package io.pipewatch.collector.history;

import java.util.Arrays;

/**
 * The raw resolution: one slot per batch, as is, in a ring whose timestamps are shared by every
 * series of the source. Slots stay sorted by time: a batch older than the newest one (a late batch)
 * is inserted at its place by moving the newer slots up by one, which costs one move per newer slot
 * and series (late batches are near the end, so this is a few slots). Batches with equal timestamps
 * keep one slot each, in the order they arrived. When the ring is full the oldest slot is
 * overwritten; a late batch older than every slot of a full ring is not kept here (the downsampled
 * tiers still count it).
 */
final class RawTier implements Tier {
  private final int capacity;
  private final long retentionMillis;
  private long[] timestamps;
  private long written;
  private double[][] values = new double[0][];
  private int series;

  RawTier(HistorySettings.Tier spec) {
    this.capacity = spec.capacity();
    this.retentionMillis = spec.retention().toMillis();
    this.timestamps = new long[Math.min(capacity, INITIAL_SLOTS)];
  }

  @Override
  public long retentionMillis() {
    return retentionMillis;
  }

  @Override
  public void addSeries() {
    int s = series++;
    values = Arrays.copyOf(values, series);
    values[s] = Tier.nanArray(timestamps.length);
  }

  @Override
  public void offer(long ts, double[] batch, long newest) {
    int held = held();
    int later = 0; // slots newer than ts, counted from the newest backwards
    while (later < held && timestamps[physical(held - 1 - later)] > ts) {
      later++;
    }
    if (later == held && held == capacity) {
      return; // older than everything a full ring holds
    }
    if (written < capacity && written >= timestamps.length) {
      grow();
    }
    written++;
    int newHeld = held();
    // move the `later` newest slots up by one and write the batch below them
    for (int i = 0; i < later; i++) {
      int dst = physical(newHeld - 1 - i);
      int src = physical(newHeld - 2 - i);
      timestamps[dst] = timestamps[src];
      for (int s = 0; s < series; s++) {
        values[s][dst] = values[s][src];
      }
    }
    int slot = physical(newHeld - 1 - later);
    timestamps[slot] = ts;
    for (int s = 0; s < series; s++) {
      values[s][slot] = batch[s];
    }
  }

  /** Physical index of the {@code i}-th oldest slot held. */
  private int physical(int i) {
    if (written <= capacity) {
      return i;
    }
    return (int) ((written + i) % capacity);
  }

  private void grow() {
    int length = (int) Math.min(capacity, (long) timestamps.length * 2);
    timestamps = Arrays.copyOf(timestamps, length);
    for (int s = 0; s < series; s++) {
      values[s] = Tier.grow(values[s], length);
    }
  }

  @Override
  public int held() {
    return (int) Math.min(written, capacity);
  }

  @Override
  public SeriesRange range(int s, long from, long to) {
    int n = held();
    int count = 0;
    for (int i = 0; i < n; i++) {
      int slot = physical(i);
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(values[s][slot])) {
        count++;
      }
    }
    long[] outTs = new long[count];
    double[] outV = new double[count];
    int j = 0;
    for (int i = 0; i < n; i++) {
      int slot = physical(i);
      long ts = timestamps[slot];
      if (ts >= from && ts <= to && !Double.isNaN(values[s][slot])) {
        outTs[j] = ts;
        outV[j] = values[s][slot];
        j++;
      }
    }
    return new SeriesRange(0, outTs, outV, outV, outV);
  }
}
