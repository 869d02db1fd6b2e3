package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertSettings.ChannelSettings;
import io.pipewatch.analyzer.alert.AlertSettings.WebhookFormat;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletionStage;

/**
 * POSTs each notification as JSON (format {@code pipewatch} or {@code alertmanager}) with the JDK
 * {@link HttpClient}: redirects are not followed, an attempt is bounded by the retry timeout, and
 * every request carries {@code Idempotency-Key: <notification id>} (the same on every retry, so a
 * receiver can drop a repeat). 2xx is delivered; 429 and 503 are retried after their {@code
 * Retry-After} (seconds or an HTTP date) or the backoff; other 5xx, 408 and connection errors are
 * retried; any other answer (3xx, 4xx) fails for good.
 */
final class WebhookChannel implements AlertChannel {
  /** The header naming the notification; the same on every attempt. */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final ChannelSettings settings;
  private final HttpClient client;
  private final String externalUrl;

  WebhookChannel(ChannelSettings settings, String externalUrl) {
    this.settings = settings;
    this.externalUrl = externalUrl;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.retry().timeout())
            .build();
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public CompletionStage<Delivery> deliver(Notification n) {
    Object body =
        settings.webhook().format() == WebhookFormat.ALERTMANAGER
            ? Payloads.alertmanager(n, externalUrl)
            : Payloads.pipewatch(n);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.webhook().url())
            .timeout(settings.retry().timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "Pipewatch")
            .header(IDEMPOTENCY_KEY, n.id())
            .POST(HttpRequest.BodyPublishers.ofByteArray(Payloads.bytes(body)));
    for (String header : settings.webhook().headers()) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
      }
    }
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                String what =
                    cause instanceof HttpTimeoutException
                        ? "timeout after " + settings.retry().timeout().toMillis() + " ms"
                        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
                return Delivery.retry(null, what);
              }
              return judge(
                  response.statusCode(), response.headers().firstValue("Retry-After").orElse(null));
            });
  }

  /** What an HTTP answer means for the notification. */
  static Delivery judge(int status, String retryAfterHeader) {
    String detail = "HTTP " + status;
    if (status >= 200 && status < 300) {
      return Delivery.delivered(detail);
    }
    if (status == 429 || status == 503) {
      return Delivery.retry(retryAfter(retryAfterHeader), detail);
    }
    if (status >= 500 || status == 408) {
      return Delivery.retry(null, detail);
    }
    return Delivery.failed(
        detail + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
  }

  /** A Retry-After value: delta seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Duration.ofMillis(
            Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }
}
