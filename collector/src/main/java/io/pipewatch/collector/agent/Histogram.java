package io.pipewatch.collector.agent;

import io.pipewatch.collector.HistogramValue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * A distribution of long values (sizes, latencies), recorded wait-free and allocation-free from any
 * thread and read once per flush as the quantiles of the values recorded during that interval;
 * count and sum are running totals since creation.
 *
 * <p>Two HdrHistogram {@link AtomicHistogram}s are double-buffered with HdrHistogram's {@link
 * WriterReaderPhaser}, the protocol of its {@code Recorder}: a writer enters a phaser critical
 * section (one atomic increment) and increments one atomic bucket; the flush swaps the buffers,
 * flips the phase (waiting only for writers already inside) and then reads the retired buffer,
 * which no writer touches any more. Unlike {@code Recorder}'s auto-resizing {@code
 * ConcurrentHistogram}, whose every bucket read takes a lock, reading an {@code AtomicHistogram} is
 * a plain volatile read per bucket: at a 100 ms flush interval that made the flush ~10x cheaper
 * (see docs/benchmarks.md, "Simulator").
 *
 * <p>Precision is 2 significant digits (relative error &lt;= 1 %, far finer than Prometheus's
 * default buckets) over {@code [1, 2^42]} (a timer: 73 minutes in nanoseconds), 4,480 buckets;
 * larger values are clamped to {@code 2^42}, negative ones to 0. All quantiles and the max come
 * from one pass that stops at the highest recorded value. See Gil Tene, HdrHistogram
 * (http://hdrhistogram.org/).
 */
public final class Histogram {
  static final int SIGNIFICANT_DIGITS = 2;
  static final long HIGHEST_TRACKABLE = 1L << 42;
  private static final double[] QUANTILES = {0.50, 0.90, 0.95, 0.99};

  private final WriterReaderPhaser phaser = new WriterReaderPhaser();
  private final LongAdder sum = new LongAdder();
  private final long[] atQuantile = new long[QUANTILES.length];
  private volatile AtomicHistogram active = newBuffer();
  private AtomicHistogram retired = newBuffer();
  private long count;

  Histogram() {}

  private static AtomicHistogram newBuffer() {
    return new AtomicHistogram(1, HIGHEST_TRACKABLE, SIGNIFICANT_DIGITS);
  }

  /** Records one value; negative values count as 0, values above 2^42 as 2^42. */
  public void record(long value) {
    long v = value < 0 ? 0 : Math.min(value, HIGHEST_TRACKABLE);
    long stamp = phaser.writerCriticalSectionEnter();
    try {
      active.recordValue(v);
    } finally {
      phaser.writerCriticalSectionExit(stamp);
    }
    sum.add(v);
  }

  /**
   * Swaps the buffers and summarises the interval. Called only by the agent's flush (serialised).
   */
  HistogramValue snapshot() {
    AtomicHistogram interval = swap();
    long n = interval.getTotalCount();
    count += n;
    if (n == 0) {
      return new HistogramValue(count, sum.sum(), 0, 0, 0, 0, 0);
    }
    long max = quantilesInOnePass(interval, n);
    return new HistogramValue(
        count, sum.sum(), atQuantile[0], atQuantile[1], atQuantile[2], atQuantile[3], max);
  }

  /** Retires the active buffer and returns it, once no writer can still be recording into it. */
  private AtomicHistogram swap() {
    AtomicHistogram fresh = retired;
    if (fresh.getTotalCount() != 0) { // clearing walks every bucket: skip it for idle intervals
      fresh.reset();
    }
    phaser.readerLock();
    try {
      AtomicHistogram interval = active;
      active = fresh;
      phaser.flipPhase();
      retired = interval;
      return interval;
    } finally {
      phaser.readerUnlock();
    }
  }

  /**
   * Fills {@link #atQuantile} with the value at each quantile, as HdrHistogram's {@code
   * getValueAtPercentile} defines it (the highest value equivalent to the first recorded value
   * whose cumulative count reaches {@code ceil(q * n)}), and returns the highest recorded value's
   * equivalent.
   */
  private long quantilesInOnePass(AtomicHistogram interval, long n) {
    int next = 0;
    long highest = 0;
    for (HistogramIterationValue v : interval.recordedValues()) {
      long value = interval.highestEquivalentValue(v.getValueIteratedTo());
      long cumulative = v.getTotalCountToThisValue();
      while (next < QUANTILES.length
          && cumulative >= Math.max(1, (long) Math.ceil(QUANTILES[next] * n))) {
        atQuantile[next++] = value;
      }
      highest = value;
    }
    return highest;
  }
}
