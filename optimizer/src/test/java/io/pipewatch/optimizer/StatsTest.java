package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

final class StatsTest {

  @Test
  void mannWhitneySeparatesShiftedSamplesAndNotEqualOnes() {
    Random random = new Random(3);
    double[] a = new double[30];
    double[] b = new double[30];
    double[] c = new double[30];
    for (int i = 0; i < 30; i++) {
      a[i] = 100 + 5 * random.nextGaussian();
      b[i] = 110 + 5 * random.nextGaussian();
      c[i] = 100 + 5 * random.nextGaussian();
    }
    assertThat(Stats.mannWhitneyP(a, b)).isLessThan(0.001);
    assertThat(Stats.mannWhitneyP(a, c)).isGreaterThan(0.05);
    assertThat(Stats.mannWhitneyP(new double[] {1, 1, 1}, new double[] {1, 1})).isEqualTo(1);
  }

  @Test
  void normalCdfMatchesKnownValues() {
    assertThat(Stats.normalCdf(0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7));
    assertThat(Stats.normalCdf(1.959964))
        .isCloseTo(0.975, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(Stats.normalCdf(-1)).isCloseTo(0.158655, org.assertj.core.data.Offset.offset(1e-6));
  }
}
