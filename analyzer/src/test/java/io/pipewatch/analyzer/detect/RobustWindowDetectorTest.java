package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RobustWindowDetectorTest {

  @ParameterizedTest
  @ValueSource(ints = {8, 31, 32, 200})
  void medianAndMadMatchABruteForceComputationOverTheSlidingWindow(int w) {
    Random random = new Random(5 + w);
    RobustWindowDetector robust = new RobustWindowDetector(w);
    double[] all = new double[2000];
    for (int i = 0; i < all.length; i++) {
      // Rounded values give many duplicates, the hard case for the sorted array.
      all[i] = Math.round(random.nextGaussian() * 3.0);
      robust.update(all[i]);
      if (i >= w) {
        double[] window = Arrays.copyOfRange(all, i - w + 1, i + 1);
        double median = bruteMedian(window);
        double[] dev = new double[w];
        for (int k = 0; k < w; k++) {
          dev[k] = Math.abs(window[k] - median);
        }
        assertThat(robust.median()).isEqualTo(median);
        assertThat(robust.medianAbsoluteDeviation(median)).isEqualTo(bruteMedian(dev));
      }
    }
  }

  @Test
  void evenWindowAveragesTheTwoMiddleValues() {
    RobustWindowDetector robust = new RobustWindowDetector(4);
    for (double v : new double[] {1, 2, 4, 10}) {
      robust.update(v);
    }
    assertThat(robust.median()).isEqualTo(3.0);
    // deviations from 3: 2, 1, 1, 7 -> sorted 1, 1, 2, 7 -> median 1.5
    assertThat(robust.medianAbsoluteDeviation(3.0)).isEqualTo(1.5);
  }

  @Test
  void spikeAfterStationaryNoiseIsFlaggedAndNothingBefore() {
    double[] x = Series.step(7, 3000, 100.0, Integer.MAX_VALUE, 0.0);
    x[2500] += 12.0;
    RobustWindowDetector robust = new RobustWindowDetector(200);
    double maxBefore = 0.0;
    for (int i = 0; i < x.length; i++) {
      double z = robust.update(x[i]);
      if (i < 2500) {
        maxBefore = Math.max(maxBefore, Math.abs(z));
      } else if (i == 2500) {
        assertThat(z).isGreaterThan(8.0);
      }
    }
    assertThat(maxBefore).isLessThan(5.0);
    assertThat(robust.lastScale()).isCloseTo(1.0, offset(0.25));
  }

  @Test
  void zeroMadFallsBackToMeanAbsoluteDeviation() {
    RobustWindowDetector robust = new RobustWindowDetector(10);
    for (double v : new double[] {0, 0, 0, 0, 0, 0, 0, 0, 20, 20}) {
      robust.update(v);
    }
    double z = robust.update(20.0);
    // median 0, MAD 0, mean |dev| = 4, scale = 1.2533 * 4
    assertThat(z).isCloseTo(20.0 / (1.2533 * 4.0), offset(1e-9));
  }

  @Test
  void zIsZeroUntilTheWindowIsFull() {
    RobustWindowDetector robust = new RobustWindowDetector(8);
    for (int i = 0; i < 8; i++) {
      assertThat(robust.update(i * 100.0)).isZero();
    }
    assertThat(robust.full()).isTrue();
  }

  private static double bruteMedian(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return (n & 1) == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
