package io.pipewatch.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeasonalDetectorTest {
  private static final long FIVE_MINUTES = 300_000L;
  private static final double ALPHA = 1.0 / 200;

  /** 20 at night, 80 from 08:00 to 18:00, noise sd 1; day 6 never jumps. */
  private static double value(int i, Random random, boolean missingJumpOnDay6) {
    int slot = i % 288;
    int day = i / 288;
    boolean high = slot >= 96 && slot < 216 && !(missingJumpOnDay6 && day == 6);
    return (high ? 80.0 : 20.0) + random.nextGaussian();
  }

  @Test
  void dailyShapeIsNotAnomalousButAMissingJumpIs() {
    Random random = new Random(17);
    SeasonalDetector seasonal = new SeasonalDetector(1440, 6048, ALPHA, 200);
    double maxBefore = 0.0;
    double atMissingJump = 0.0;
    double scaleBefore = 0.0;
    int missing = 6 * 288 + 96;
    for (int i = 0; i < 7 * 288; i++) {
      double z = seasonal.update(i * FIVE_MINUTES, value(i, random, true));
      if (i >= 3 * 288 && i < missing) {
        maxBefore = Math.max(maxBefore, Math.abs(z));
      } else if (i == missing) {
        atMissingJump = z;
      }
      if (i == missing - 1) {
        scaleBefore = seasonal.residualScale();
      }
    }
    assertThat(seasonal.period()).isEqualTo(288);
    assertThat(seasonal.active()).isTrue();
    assertThat(scaleBefore).isBetween(0.5, 2.0); // the noise, not the shape
    assertThat(maxBefore).isLessThan(6.0);
    assertThat(atMissingJump).isLessThan(-20.0);
  }

  @Test
  void anAnomalousDayDoesNotEchoIntoTheNextOne() {
    // Day 4 is shifted up by 30 all day; day 5 is normal again and is compared with the median of
    // days 2, 3 and 4, not with day 4 alone.
    Random random = new Random(5);
    SeasonalDetector seasonal = new SeasonalDetector(1440, 6048, ALPHA, 200);
    double maxOnDay5 = 0.0;
    for (int i = 0; i < 6 * 288; i++) {
      double v = value(i, random, false) + (i / 288 == 4 ? 30.0 : 0.0);
      double z = seasonal.update(i * FIVE_MINUTES, v);
      if (i / 288 == 5) {
        maxOnDay5 = Math.max(maxOnDay5, Math.abs(z));
      }
    }
    assertThat(maxOnDay5).isLessThan(6.0);
  }

  @Test
  void quietWeekendsAreJudgedAgainstLastWeeksNotYesterday() {
    // Hourly: busy 09-17 on weekdays (80), 20 otherwise and all weekend; noise sd 1.
    Random random = new Random(23);
    SeasonalDetector seasonal = new SeasonalDetector(1440, 6048, ALPHA, 100);
    double maxFromWeek4 = 0.0;
    for (int i = 0; i < 6 * 7 * 24; i++) {
      int hour = i % 24;
      int weekday = (i / 24) % 7;
      boolean busy = weekday < 5 && hour >= 9 && hour < 17;
      double z = seasonal.update(i * 3_600_000L, (busy ? 80.0 : 20.0) + random.nextGaussian());
      if (i >= 4 * 7 * 24) {
        maxFromWeek4 = Math.max(maxFromWeek4, Math.abs(z));
      }
    }
    assertThat(seasonal.period()).isEqualTo(24);
    // Against the day model each Monday 09:00 differs from the weekend by 60 (z ~ 40).
    assertThat(maxFromWeek4).isLessThan(6.0);
  }

  @Test
  void irregularSamplingSwitchesItOff() {
    Random random = new Random(1);
    SeasonalDetector seasonal = new SeasonalDetector(1440, 6048, ALPHA, 100);
    long t = 0;
    for (int i = 0; i < 1000; i++) {
      t += 60_000L + random.nextInt(120_000);
      assertThat(seasonal.update(t, random.nextGaussian())).isZero();
    }
    assertThat(seasonal.active()).isFalse();
  }

  @Test
  void dayLongerThanTheCapSwitchesItOff() {
    SeasonalDetector seasonal = new SeasonalDetector(1440, 6048, ALPHA, 100);
    for (int i = 0; i < 1000; i++) {
      seasonal.update(i * 100L, i % 7);
    }
    assertThat(seasonal.active()).isFalse();
    assertThat(seasonal.lastZ()).isZero();
    assertThat(seasonal.residualScale()).isZero();
  }

  @Test
  void threeDaysNotFittingTheHistorySwitchesItOff() {
    // 1-minute samples: a day is 1440 values; 3 days (4320) exceed a 4000-value history.
    SeasonalDetector seasonal = new SeasonalDetector(1440, 4000, ALPHA, 100);
    for (int i = 0; i < 200; i++) {
      seasonal.update(i * 60_000L, i % 7);
    }
    assertThat(seasonal.active()).isFalse();
  }
}
