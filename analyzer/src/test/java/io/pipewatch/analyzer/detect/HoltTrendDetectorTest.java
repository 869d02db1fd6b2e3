package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HoltTrendDetectorTest {

  @Test
  void linearRampForecastsTheTimeToTheLimit() {
    // Memory grows 2 MB/s from 1000 MB, sampled every 100 ms with noise of 1 MB.
    Random random = new Random(9);
    HoltTrendDetector trend = new HoltTrendDetector(0.1, 0.02);
    long t = 0;
    double value = 0;
    for (int i = 0; i < 3000; i++) {
      t = i * 100L;
      value = 1000.0 + 2.0 * t / 1000.0;
      trend.update(t, value + random.nextGaussian());
    }
    assertThat(trend.slopePerSecond()).isCloseTo(2.0, withPercentage(3));
    // At t = 299.9 s the value is ~1600; the limit 2080 is 480 MB away: 240 s = "~4 min".
    assertThat(trend.millisToReach(2080.0)).isCloseTo(240_000.0, withPercentage(3));
  }

  @Test
  void irregularSamplingStillGivesTheSlopePerSecond() {
    HoltTrendDetector trend = new HoltTrendDetector(0.2, 0.1);
    long t = 0;
    for (int i = 0; i < 2000; i++) {
      t += (i % 3 == 0) ? 50 : 250;
      trend.update(t, -0.5 * t / 1000.0);
    }
    assertThat(trend.slopePerSecond()).isCloseTo(-0.5, withPercentage(1));
    assertThat(trend.millisToReach(trend.level() - 10.0)).isCloseTo(20_000.0, withPercentage(1));
  }

  @Test
  void flatOrReceedingTrendNeverReachesTheLimit() {
    HoltTrendDetector trend = new HoltTrendDetector(0.5, 0.5);
    assertThat(trend.millisToReach(10.0)).isInfinite();
    for (int i = 0; i < 100; i++) {
      trend.update(i * 1000L, 5.0);
    }
    assertThat(trend.millisToReach(10.0)).isEqualTo(Double.POSITIVE_INFINITY);
    for (int i = 100; i < 200; i++) {
      trend.update(i * 1000L, 5.0 - (i - 100) * 0.1);
    }
    assertThat(trend.slopePerSecond()).isNegative();
    assertThat(trend.millisToReach(10.0)).isEqualTo(Double.POSITIVE_INFINITY);
  }
}
