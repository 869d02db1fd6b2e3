package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CusumDetectorTest {

  @Test
  void oneSigmaShiftIsDetectedWithinTheExpectedDelayAndNotBefore() {
    double[] u = Series.step(21, 4000, 0.0, 3000, 1.0);
    CusumDetector cusum = new CusumDetector(0.5, 10.0, 4.0);
    int firstAlarm = -1;
    for (int i = 0; i < u.length; i++) {
      int direction = cusum.update(u[i]);
      if (direction != 0 && firstAlarm < 0) {
        firstAlarm = i;
        assertThat(direction).isEqualTo(1);
      }
    }
    // Expected delay about h / (shift - k) = 20 samples.
    assertThat(firstAlarm).isBetween(3000, 3060);
  }

  @Test
  void downwardShiftAlarmsDownwardAndSumsRestart() {
    CusumDetector cusum = new CusumDetector(0.5, 5.0, 3.0);
    int direction = 0;
    int steps = 0;
    while (direction == 0) {
      direction = cusum.update(-2.0);
      steps++;
    }
    assertThat(direction).isEqualTo(-1);
    assertThat(steps).isEqualTo(4); // 1.5 per step: 6.0 > 5 at the 4th
    assertThat(cusum.pressure()).isZero();
  }

  @Test
  void clippingStopsOneOutlierFromCompletingAnAlarm() {
    CusumDetector cusum = new CusumDetector(0.5, 5.0, 3.0);
    assertThat(cusum.update(1e9)).isZero();
    assertThat(cusum.pressure()).isEqualTo(0.5);
  }
}
