package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertSettings.RetrySettings;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a channel tries a notification again: exponential backoff ({@code initial *
 * multiplier^(n-1)} before attempt n+1, capped at {@code max}), each delay multiplied by a random
 * factor in {@code [1 - jitter, 1 + jitter]} so that many notifications failing together do not
 * retry together ("full jitter" variants: AWS Architecture Blog, Exponential Backoff And Jitter,
 * 2015). A receiver's {@code Retry-After} replaces the backoff, capped at {@code max}. After {@code
 * giveUpAfter} since the first attempt there is no next attempt.
 */
final class RetryPolicy {
  private final RetrySettings settings;
  private final DoubleSupplier random;

  RetryPolicy(RetrySettings settings, DoubleSupplier random) {
    this.settings = settings;
    this.random = random;
  }

  /**
   * The delay before the next attempt after {@code attempts} failed ones (1 or more), or null to
   * give up; {@code retryAfter} is the receiver's wish (null: none).
   */
  Duration next(int attempts, Duration retryAfter, long firstAttemptMillis, long nowMillis) {
    long maxMillis = settings.maxBackoff().toMillis();
    long delay;
    if (retryAfter != null) {
      delay = Math.min(Math.max(0, retryAfter.toMillis()), maxMillis);
    } else {
      double base =
          settings.initialBackoff().toMillis()
              * Math.pow(settings.multiplier(), Math.max(0, attempts - 1));
      double capped = Math.min(base, maxMillis);
      double factor = 1 + settings.jitter() * (2 * random.getAsDouble() - 1);
      delay = Math.max(1, Math.round(capped * factor));
    }
    if (nowMillis + delay - firstAttemptMillis > settings.giveUpAfter().toMillis()) {
      return null;
    }
    return Duration.ofMillis(delay);
  }
}
