package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Backoff, jitter, Retry-After and giving up; what HTTP answers mean to the webhook. */
class RetryPolicyTest {
  private static final AlertSettings.RetrySettings SETTINGS =
      new AlertSettings.RetrySettings(
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          2.0,
          0.2,
          Duration.ofMinutes(10),
          Duration.ofSeconds(5),
          8);

  @Test
  void backoffDoublesUpToTheCapWithinTheJitter() {
    RetryPolicy low = new RetryPolicy(SETTINGS, () -> 0.0);
    RetryPolicy high = new RetryPolicy(SETTINGS, () -> 1.0);
    assertThat(low.next(1, null, 0, 0)).isEqualTo(Duration.ofMillis(400));
    assertThat(high.next(1, null, 0, 0)).isEqualTo(Duration.ofMillis(600));
    assertThat(low.next(3, null, 0, 0)).isEqualTo(Duration.ofMillis(1600));
    assertThat(high.next(20, null, 0, 0)).isEqualTo(Duration.ofSeconds(36));
    assertThat(low.next(20, null, 0, 0)).isEqualTo(Duration.ofSeconds(24));
  }

  @Test
  void retryAfterReplacesTheBackoffUpToTheCap() {
    RetryPolicy policy = new RetryPolicy(SETTINGS, () -> 0.5);
    assertThat(policy.next(1, Duration.ofSeconds(7), 0, 0)).isEqualTo(Duration.ofSeconds(7));
    assertThat(policy.next(1, Duration.ofHours(1), 0, 0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void givesUpAfterTheLimit() {
    RetryPolicy policy = new RetryPolicy(SETTINGS, () -> 0.5);
    assertThat(policy.next(5, null, 0, Duration.ofMinutes(9).toMillis())).isNotNull();
    assertThat(policy.next(5, null, 0, Duration.ofMinutes(10).toMillis())).isNull();
  }

  @Test
  void httpAnswersMeanDeliveredRetryOrFailed() {
    assertThat(WebhookChannel.judge(204, null).outcome())
        .isEqualTo(AlertChannel.Delivery.Outcome.DELIVERED);
    assertThat(WebhookChannel.judge(503, "3").retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(WebhookChannel.judge(429, null).outcome())
        .isEqualTo(AlertChannel.Delivery.Outcome.RETRY);
    assertThat(WebhookChannel.judge(500, null).outcome())
        .isEqualTo(AlertChannel.Delivery.Outcome.RETRY);
    assertThat(WebhookChannel.judge(302, null).outcome())
        .isEqualTo(AlertChannel.Delivery.Outcome.FAILED);
    assertThat(WebhookChannel.judge(400, null).outcome())
        .isEqualTo(AlertChannel.Delivery.Outcome.FAILED);
    assertThat(WebhookChannel.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
    assertThat(WebhookChannel.retryAfter("soon")).isNull();
  }
}
