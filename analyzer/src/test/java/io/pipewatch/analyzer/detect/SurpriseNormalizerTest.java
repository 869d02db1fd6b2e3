package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SurpriseNormalizerTest {

  @Test
  void theSameEvidenceIsLessSurprisingForANoisierSeries() {
    SurpriseNormalizer calm = new SurpriseNormalizer(1, 0.01);
    SurpriseNormalizer spiky = new SurpriseNormalizer(1, 0.01);
    Random random = new Random(4);
    for (int i = 0; i < 2000; i++) {
      calm.update(0.5 + 0.1 * random.nextDouble());
      spiky.update(random.nextDouble() < 0.1 ? 3.0 : 0.5);
    }
    assertThat(calm.update(3.0)).isGreaterThan(5 * spiky.update(3.0));
  }

  @Test
  void belowNormEvidenceIsNotSurprising() {
    SurpriseNormalizer normalizer = new SurpriseNormalizer(3, 0.01);
    for (int i = 0; i < 500; i++) {
      normalizer.update(1.0 + (i % 2) * 0.2);
    }
    assertThat(normalizer.update(0.0)).isZero();
  }
}
