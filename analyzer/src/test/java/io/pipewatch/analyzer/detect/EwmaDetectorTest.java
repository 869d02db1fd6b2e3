package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EwmaDetectorTest {

  @Test
  void noAlarmOnStationaryNoiseThenDetectsStepAtOnce() {
    double[] x = Series.step(11, 3000, 50.0, 2000, 8.0);
    EwmaDetector ewma = new EwmaDetector(0.02, 100);
    double maxBefore = 0.0;
    double atChange = 0.0;
    for (int i = 0; i < x.length; i++) {
      double z = ewma.update(x[i]);
      if (i < 2000) {
        maxBefore = Math.max(maxBefore, Math.abs(z));
      } else if (i == 2000) {
        atChange = z;
      }
    }
    assertThat(maxBefore).isLessThan(5.0);
    assertThat(atChange).isGreaterThan(5.0);
  }

  @Test
  void meanAndDeviationConvergeToTheNoise() {
    double[] x = Series.step(3, 5000, 10.0, Integer.MAX_VALUE, 0.0);
    EwmaDetector ewma = new EwmaDetector(0.01, 10);
    for (double v : x) {
      ewma.update(v);
    }
    assertThat(ewma.mean()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.4));
    assertThat(ewma.standardDeviation()).isBetween(0.75, 1.25);
  }

  @Test
  void constantSeriesGivesZeroThenALargeFiniteZOnChange() {
    EwmaDetector ewma = new EwmaDetector(0.1, 5);
    for (int i = 0; i < 50; i++) {
      assertThat(ewma.update(45.0)).isZero();
    }
    double z = ewma.update(46.0);
    assertThat(z).isGreaterThan(1e6).isFinite();
  }

  @Test
  void warmUpReportsZero() {
    EwmaDetector ewma = new EwmaDetector(0.5, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(ewma.update(i % 2 == 0 ? 0.0 : 1000.0)).isZero();
    }
    assertThat(ewma.update(1e6)).isNotZero();
  }
}
