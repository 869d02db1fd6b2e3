package io.pipewatch.analyzer.alert;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Where notifications go: one implementation per kind of channel (log, webhook, email, dashboard;
 * an Alertmanager push is one more class). {@link #deliver} makes one attempt and never throws: the
 * stage completes with what happened, and the channel's worker retries as {@link Delivery} says.
 *
 * <pre>{@code
 * AlertChannel hook = new WebhookChannel(channelSettings, HttpClient.newHttpClient());
 * hook.deliver(notification).thenAccept(d -> log.info("{}", d));
 * }</pre>
 */
public interface AlertChannel {

  /** The channel's name (its key under {@code pipewatch.alerts.channels}). */
  String name();

  /** One attempt to deliver {@code notification}. */
  CompletionStage<Delivery> deliver(Notification notification);

  /** Releases what the channel holds (connections); called when the router stops. */
  default void close() {}

  /**
   * What one attempt came to: delivered; to retry (after {@code retryAfter} when the receiver said
   * so, else the channel's backoff); or failed for good (the receiver refused the message itself).
   */
  record Delivery(Outcome outcome, Duration retryAfter, String detail) {

    /** How an attempt ended. */
    public enum Outcome {
      DELIVERED,
      RETRY,
      FAILED
    }

    public static Delivery delivered(String detail) {
      return new Delivery(Outcome.DELIVERED, null, detail);
    }

    public static Delivery retry(Duration after, String detail) {
      return new Delivery(Outcome.RETRY, after, detail);
    }

    public static Delivery failed(String detail) {
      return new Delivery(Outcome.FAILED, null, detail);
    }
  }
}
