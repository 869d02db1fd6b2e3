package io.pipewatch.collector.agent;

import io.pipewatch.collector.HistogramValue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * A distribution of long values (sizes, latencies). Recording goes into an HdrHistogram
 * {@link Recorder}, whose writers only enter a {@code WriterReaderPhaser} critical section (one
 * atomic increment) and bump a bucket: wait-free and allocation-free. At each flush the agent swaps
 * the recorder's active histogram for the inactive one and reads quantiles of the values recorded
 * during that interval; count and sum are running totals since creation.
 *
 * <p>Values are clamped to {@code [0, Long.MAX_VALUE/2]}; precision is 3 significant digits
 * (relative error &lt;= 0.1 %). See Gil Tene, HdrHistogram (http://hdrhistogram.org/).
 */
public final class Histogram {
  private final Recorder recorder = new Recorder(3);
  private final LongAdder sum = new LongAdder();
  private org.HdrHistogram.Histogram spare;
  private long count;

  Histogram() {}

  /** Records one value; negative values count as 0. */
  public void record(long value) {
    long v = value < 0 ? 0 : value;
    recorder.recordValue(v);
    sum.add(v);
  }

  /** Swaps the interval histogram and summarises it. Called only by the agent's flush (serialised). */
  HistogramValue snapshot() {
    org.HdrHistogram.Histogram interval = recorder.getIntervalHistogram(spare);
    spare = interval;
    long n = interval.getTotalCount();
    count += n;
    if (n == 0) {
      return new HistogramValue(count, sum.sum(), 0, 0, 0, 0, 0);
    }
    return new HistogramValue(
        count,
        sum.sum(),
        interval.getValueAtPercentile(50),
        interval.getValueAtPercentile(90),
        interval.getValueAtPercentile(95),
        interval.getValueAtPercentile(99),
        interval.getMaxValue());
  }
}
