package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class RobustScaleTest {

  @Test
  void estimatesTheStandardDeviationOfNormalResiduals() {
    Random random = new Random(11);
    RobustScale scale = new RobustScale(0.01);
    for (int i = 0; i < 5000; i++) {
      scale.update(2.0 * random.nextGaussian());
    }
    assertThat(scale.settled()).isTrue();
    // The clip at 3 mean-absolute-deviations trims a little of the normal tail.
    assertThat(scale.sigma()).isCloseTo(2.0, Percentage.withPercentage(10));
  }

  @Test
  void oneHugeOutlierMovesItByAtMostAlphaTimesTheClip() {
    Random random = new Random(12);
    RobustScale scale = new RobustScale(0.01);
    for (int i = 0; i < 2000; i++) {
      scale.update(random.nextGaussian());
    }
    double before = scale.sigma();
    scale.update(1e6);
    assertThat(scale.sigma()).isLessThanOrEqualTo(before * (1 + 0.01 * RobustScale.CLIP) + 1e-12);
  }

  @Test
  void learnsALastingChangeOfTheNoiseLevel() {
    Random random = new Random(13);
    RobustScale scale = new RobustScale(0.01);
    for (int i = 0; i < 2000; i++) {
      scale.update(random.nextGaussian());
    }
    for (int i = 0; i < 2000; i++) {
      scale.update(5.0 * random.nextGaussian());
    }
    assertThat(scale.sigma()).isCloseTo(5.0, Percentage.withPercentage(15));
  }

  @Test
  void resetForgets() {
    RobustScale scale = new RobustScale(0.1);
    for (int i = 0; i < 50; i++) {
      scale.update(3.0);
    }
    scale.reset();
    assertThat(scale.sigma()).isZero();
    assertThat(scale.settled()).isFalse();
  }
}
