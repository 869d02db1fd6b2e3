package io.pipewatch.collector.history;

import java.util.Arrays;

/**
 * The in-memory history of one source: every series at three resolutions (see {@link Tier}). Owned
 * by one Collector actor and not thread-safe.
 *
 * <p>Memory: one {@code long} timestamp per slot per tier for the whole source, plus per series 8
 * bytes per raw slot and 16 bytes per downsampled slot (see {@link
 * HistorySettings#bytesPerSeriesAtFullRetention()}). A batch is taken as {@link #begin}, {@link
 * #put} for each series that has a value, {@link #end}; series without a value in the batch get a
 * gap.
 *
 * <pre>{@code
 * SourceHistory h = new SourceHistory(HistorySettings.defaults());
 * int cpu = h.addSeries();
 * h.begin(ts); h.put(cpu, 0.42); h.end();
 * SeriesRange last5m = h.range(cpu, ts - 300_000, ts);
 * }</pre>
 */
public final class SourceHistory {
  private final Tier[] tiers;
  private double[] current = new double[0];
  private int series;
  private long lastTimestamp = Long.MIN_VALUE;
  private long batches;
  private boolean open;

  public SourceHistory(HistorySettings settings) {
    tiers =
        new Tier[] {
          new Tier(settings.raw(), true),
          new Tier(settings.mid(), false),
          new Tier(settings.coarse(), false)
        };
  }

  /** Adds a series (gaps before now) and returns its index. */
  public int addSeries() {
    for (Tier t : tiers) {
      t.addSeries();
    }
    current = Arrays.copyOf(current, series + 1);
    current[series] = Double.NaN;
    return series++;
  }

  public int seriesCount() {
    return series;
  }

  /**
   * Starts a batch at {@code ts}. Returns false (and takes nothing) when {@code ts} is older than
   * the last batch: history is kept in time order.
   */
  public boolean begin(long ts) {
    if (ts < lastTimestamp) {
      return false;
    }
    Arrays.fill(current, Double.NaN);
    lastTimestamp = ts;
    open = true;
    return true;
  }

  /** Sets series {@code s}'s value in the open batch (NaN means no value). */
  public void put(int s, double value) {
    current[s] = value;
  }

  /** Value put for {@code s} in the open or last batch (NaN if none). */
  public double current(int s) {
    return current[s];
  }

  /** Ends the batch, writing it to every tier. */
  public void end() {
    if (!open) {
      throw new IllegalStateException("end() without begin()");
    }
    for (Tier t : tiers) {
      t.offer(lastTimestamp, current);
    }
    batches++;
    open = false;
  }

  public long lastTimestamp() {
    return lastTimestamp;
  }

  public long batches() {
    return batches;
  }

  /**
   * Points of series {@code s} between {@code from} and {@code to} (inclusive) from the finest tier
   * whose retention covers {@code lastTimestamp - from}: 5 min → raw, 15 min or 1 h → 1 s, 4 h → 10
   * s with the defaults.
   */
  public SeriesRange range(int s, long from, long to) {
    return tiers[tierFor(from)].range(s, from, to);
  }

  /** Index of the tier {@link #range} reads for a query starting at {@code from} (0 = raw). */
  public int tierFor(long from) {
    long span = lastTimestamp == Long.MIN_VALUE ? 0 : lastTimestamp - from;
    for (int i = 0; i < tiers.length; i++) {
      if (span <= tiers[i].retentionMillis()) {
        return i;
      }
    }
    return tiers.length - 1;
  }

  /** Values held across all tiers and series (slots, gaps included). */
  public long pointsHeld() {
    long n = 0;
    for (Tier t : tiers) {
      n += (long) t.held() * series;
    }
    return n;
  }

  /** Raw values held (slots of the raw tier times series). */
  public long rawPointsHeld() {
    return (long) tiers[0].held() * series;
  }
}
