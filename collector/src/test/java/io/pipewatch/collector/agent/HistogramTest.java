package io.pipewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.HistogramValue;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HistogramTest {

  /** The one-pass read must give exactly what HdrHistogram's own per-percentile walk gives. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234})
  void onePassQuantilesEqualHdrHistogramsOwn(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Histogram histogram = new Histogram();
    org.HdrHistogram.Histogram reference =
        new org.HdrHistogram.Histogram(Histogram.SIGNIFICANT_DIGITS);
    int n = 1 + random.nextInt(5_000);
    for (int i = 0; i < n; i++) {
      // log-uniform from 1 ns to ~1 s, with a heavy tail
      long value = (long) Math.exp(random.nextDouble() * Math.log(1e9));
      histogram.record(value);
      reference.recordValue(value);
    }

    HistogramValue read = histogram.snapshot();

    assertThat(read.count()).isEqualTo(n);
    assertThat(read.p50()).isEqualTo(reference.getValueAtPercentile(50));
    assertThat(read.p90()).isEqualTo(reference.getValueAtPercentile(90));
    assertThat(read.p95()).isEqualTo(reference.getValueAtPercentile(95));
    assertThat(read.p99()).isEqualTo(reference.getValueAtPercentile(99));
    assertThat(read.max()).isEqualTo(reference.highestEquivalentValue(reference.getMaxValue()));
  }

  @ParameterizedTest(name = "{0} values")
  @ValueSource(ints = {1, 2, 3, 100})
  void smallIntervalsReadLikeHdrHistogram(int n) {
    Histogram histogram = new Histogram();
    org.HdrHistogram.Histogram reference =
        new org.HdrHistogram.Histogram(Histogram.SIGNIFICANT_DIGITS);
    for (int i = 1; i <= n; i++) {
      histogram.record(i * 1000L);
      reference.recordValue(i * 1000L);
    }
    HistogramValue read = histogram.snapshot();
    assertThat(read.p50()).isEqualTo(reference.getValueAtPercentile(50));
    assertThat(read.p99()).isEqualTo(reference.getValueAtPercentile(99));

    HistogramValue empty = histogram.snapshot();
    assertThat(empty.count()).isEqualTo(n);
    assertThat(empty.p99()).isZero();
  }
}
