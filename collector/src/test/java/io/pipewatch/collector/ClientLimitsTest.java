package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void allowsLimitEventsInAnyWindowAndSaysHowLongToWait() {
    ClientLimits limits = new ClientLimits(2, Duration.ofMinutes(1));
    assertThat(limits.waitNanos("a", 0)).isZero();
    limits.record("a", 0);
    limits.record("a", 10 * SECOND);
    assertThat(limits.waitNanos("a", 20 * SECOND)).isEqualTo(40 * SECOND);
    assertThat(limits.waitNanos("b", 20 * SECOND)).isZero();
    assertThat(limits.waitNanos("a", 60 * SECOND)).isZero(); // the first left the window
    limits.forgetBefore(71 * SECOND);
    assertThat(limits.clients()).isZero();
  }
}
