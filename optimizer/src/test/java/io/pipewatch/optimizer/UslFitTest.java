package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class UslFitTest {

  @Test
  void recoversAlphaAndBetaWithinTenPercentFromNoisyPoints() {
    double lambda = 40;
    double alpha = 0.03;
    double beta = 0.0015;
    Random random = new Random(7);
    List<UslFit.Point> points = new ArrayList<>();
    for (int n = 1; n <= 64; n += 3) {
      double x = lambda * n / (1 + alpha * (n - 1) + beta * n * (n - 1));
      for (int rep = 0; rep < 5; rep++) {
        points.add(new UslFit.Point(n, x * (1 + 0.02 * random.nextGaussian())));
      }
    }

    UslFit fit = UslFit.fit(points).orElseThrow();

    assertThat(fit.alpha()).isCloseTo(alpha, org.assertj.core.data.Percentage.withPercentage(10));
    assertThat(fit.beta()).isCloseTo(beta, org.assertj.core.data.Percentage.withPercentage(10));
    assertThat(fit.peakWorkers()).isBetween(23.0, 28.0);
  }

  @Test
  void needsThreeDistinctWorkerCounts() {
    assertThat(UslFit.fit(List.of(new UslFit.Point(4, 100), new UslFit.Point(8, 180)))).isEmpty();
  }
}
