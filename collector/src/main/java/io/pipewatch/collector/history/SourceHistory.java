package io.pipewatch.collector.history;

import java.time.Duration;
import java.util.Arrays;

/**
 * The in-memory history of one source: every series at three resolutions (see {@link RawTier} and
 * {@link BucketTier}). Owned by one Collector actor and not thread-safe.
 *
 * <p>Order of arrival does not matter within the <em>late horizon</em>: a batch whose timestamp is
 * at most {@code lateHorizon} older than the newest batch so far (or equal to it, or newer) is
 * merged into every tier at its place in time; an older one is refused by {@link #begin} and
 * changes nothing. Batches with equal timestamps are all kept (one raw slot each).
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
  private final long lateHorizonMillis;
  private double[] current = new double[0];
  private int series;
  private long lastTimestamp = Long.MIN_VALUE;
  private long batchTimestamp;
  private long batches;
  private boolean open;

  /** A history that takes batches in time order only (equal timestamps allowed). */
  public SourceHistory(HistorySettings settings) {
    this(settings, Duration.ZERO);
  }

  /**
   * A history that merges batches up to {@code lateHorizon} older than its newest one; the horizon
   * must be shorter than the raw tier's retention.
   */
  public SourceHistory(HistorySettings settings, Duration lateHorizon) {
    if (lateHorizon.isNegative() || lateHorizon.compareTo(settings.raw().retention()) >= 0) {
      throw new IllegalArgumentException(
          "late horizon " + lateHorizon + " must be within [0, raw retention)");
    }
    this.lateHorizonMillis = lateHorizon.toMillis();
    tiers =
        new Tier[] {
          new RawTier(settings.raw()),
          new BucketTier(settings.mid(), lateHorizonMillis),
          new BucketTier(settings.coarse(), lateHorizonMillis)
        };
  }

  /** How far behind the newest batch a batch may be and still be merged. */
  public long lateHorizonMillis() {
    return lateHorizonMillis;
  }

  /** Whether {@link #begin} would take a batch at {@code ts}. */
  public boolean accepts(long ts) {
    return lastTimestamp == Long.MIN_VALUE || ts >= lastTimestamp - lateHorizonMillis;
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
   * the newest batch by more than the late horizon.
   */
  public boolean begin(long ts) {
    if (!accepts(ts)) {
      return false;
    }
    Arrays.fill(current, Double.NaN);
    batchTimestamp = ts;
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
    lastTimestamp = Math.max(lastTimestamp, batchTimestamp);
    for (Tier t : tiers) {
      t.offer(batchTimestamp, current, lastTimestamp);
    }
    batches++;
    open = false;
  }

  /** The newest batch's timestamp ({@code Long.MIN_VALUE} before the first). */
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
