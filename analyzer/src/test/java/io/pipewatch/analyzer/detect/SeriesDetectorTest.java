package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesDetectorTest {
  private static final DetectorSettings DEFAULTS = DetectorSettings.create(ConfigFactory.load());
  private static final long SECOND = 1000L;

  @Test
  void stepChangeSpikesAtOnceAboveEverythingBeforeIt() {
    double[] x = Series.step(42, 3000, 50.0, 2000, 6.0);
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    double maxBefore = 0.0;
    int firstAbove = -1;
    double[] scores = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      scores[i] = detector.update(i * SECOND, x[i]);
      if (i < 2000) {
        maxBefore = Math.max(maxBefore, scores[i]);
      }
    }
    for (int i = 2000; i < x.length && firstAbove < 0; i++) {
      if (scores[i] > maxBefore) {
        firstAbove = i;
      }
    }
    assertThat(firstAbove).isBetween(2000, 2010);
    // Onset shaping: the shifted level does not keep scoring high.
    int reported = 0;
    for (int i = 2000; i < x.length; i++) {
      reported += scores[i] > maxBefore ? 1 : 0;
    }
    assertThat(reported).isLessThanOrEqualTo(3);
  }

  @Test
  void cusumFlagsASustainedShiftAndTheDirection() {
    double[] x = Series.step(8, 2600, 10.0, 2000, -1.5);
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    int firstChange = -1;
    for (int i = 0; i < x.length; i++) {
      detector.update(i * SECOND, x[i]);
      if (i >= 2000 && detector.changeDetected() && firstChange < 0) {
        firstChange = i;
        assertThat(detector.changeDirection()).isEqualTo(-1);
      }
    }
    assertThat(firstChange).isBetween(2000, 2030);
  }

  @Test
  void scoreStaysInUnitIntervalOnWildInput() {
    Random random = new Random(3);
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    for (int i = 0; i < 20_000; i++) {
      double v =
          switch (i % 5) {
            case 0 -> random.nextGaussian() * 1e12;
            case 1 -> 45.0;
            case 2 -> random.nextDouble() < 0.01 ? Double.MAX_VALUE / 4 : 0.0;
            case 3 -> -random.nextDouble() * 1e-12;
            default -> random.nextGaussian();
          };
      double score = detector.update(i * SECOND, v);
      assertThat(score).isBetween(0.0, 1.0);
      assertThat(detector.lastRawScore()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void constantSeriesScoresZero() {
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    for (int i = 0; i < 5000; i++) {
      assertThat(detector.update(i * 300_000L, 45.0)).isZero();
    }
  }

  @Test
  void nanInfinityAndStaleTimestampsAreIgnoredWithoutTouchingState() {
    double[] x = Series.step(5, 1500, 20.0, 1200, 5.0);
    SeriesDetector clean = SeriesDetector.create(DEFAULTS);
    SeriesDetector dirty = SeriesDetector.create(DEFAULTS);
    for (int i = 0; i < x.length; i++) {
      long t = i * SECOND;
      double expected = clean.update(t, x[i]);
      if (i % 10 == 0) {
        assertThat(dirty.update(t - 1, Double.NaN)).isZero();
        assertThat(dirty.update(t - 1, Double.POSITIVE_INFINITY)).isZero();
      }
      assertThat(dirty.update(t, x[i])).isEqualTo(expected);
      if (i % 100 == 0) {
        assertThat(dirty.update(t, x[i] + 1000.0)).isZero(); // same timestamp: ignored
      }
    }
    assertThat(dirty.samples()).isEqualTo(clean.samples());
    assertThat(dirty.ignored()).isEqualTo(150 + 150 + 15);
    assertThat(dirty.lastScore()).isEqualTo(clean.lastScore());
  }

  @Test
  void warmUpScoresZeroAndResetStartsOver() {
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    Random random = new Random(2);
    for (int i = 0; i < DEFAULTS.warmUpSamples(); i++) {
      assertThat(detector.update(i, random.nextGaussian() * (i % 50 == 0 ? 100 : 1))).isZero();
    }
    detector.reset();
    assertThat(detector.samples()).isZero();
    assertThat(detector.update(0, 1.0)).isZero(); // timestamp 0 accepted again after reset
  }

  @Test
  void trendAccessorsForecastALinearRamp() {
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    for (int i = 0; i < 1200; i++) {
      detector.update(i * 100L, 500.0 + 0.4 * i); // 4 units per second
    }
    assertThat(detector.trendSlopePerSecond())
        .isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.05));
    double millis = detector.millisToReach(detector.trendLevel() + 960.0);
    assertThat(millis).isCloseTo(240_000.0, org.assertj.core.data.Percentage.withPercentage(2));
  }

  @Test
  void dailyShapeIsJudgedByTheSeasonalModel() {
    Random random = new Random(17);
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    double maxNormal = 0.0;
    double missingJump = 0.0;
    boolean seasonalAtTransition = false;
    for (int i = 0; i < 8 * 288; i++) {
      int slot = i % 288;
      boolean high = slot >= 96 && slot < 216 && i / 288 != 7;
      double score = detector.update(i * 300_000L, (high ? 80.0 : 20.0) + random.nextGaussian());
      if (i == 5 * 288 + 216) {
        // The median/MAD window now holds both levels: the day-over-day residuals are tighter.
        seasonalAtTransition = detector.seasonalModelChosen();
      }
      if (i < 7 * 288 + 96) {
        if (i > 4 * 288) {
          maxNormal = Math.max(maxNormal, score);
        }
      } else if (i < 7 * 288 + 106) {
        missingJump = Math.max(missingJump, score);
      }
    }
    assertThat(seasonalAtTransition).isTrue();
    assertThat(missingJump).isGreaterThan(maxNormal);
  }

  @Test
  void seasonalityIsDetectedNotAssumed() {
    // Two weeks of 5-minute values without any daily shape: white noise, then spiky bursts. The
    // seasonal model must never be chosen although the series is regular and a day fits.
    Random random = new Random(3);
    SeriesDetector detector = SeriesDetector.create(DEFAULTS);
    int chosen = 0;
    for (int i = 0; i < 14 * 288; i++) {
      double v = 50.0 + random.nextGaussian();
      if (i > 7 * 288 && random.nextInt(50) == 0) {
        v += 40.0 * random.nextDouble();
      }
      detector.update(i * 300_000L, v);
      chosen += detector.seasonalModelChosen() ? 1 : 0;
    }
    assertThat(chosen).isZero();
  }
}
