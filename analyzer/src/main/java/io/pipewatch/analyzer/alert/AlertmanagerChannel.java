package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertSettings.AlertmanagerSettings;
import io.pipewatch.analyzer.alert.AlertSettings.ChannelSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes alerts to one or more Alertmanager instances through their API v2 ({@code POST
 * <url>/api/v2/alerts}, a JSON array of alerts with labels, annotations, startsAt, endsAt,
 * generatorURL), as Prometheus does. Every configured URL gets every notification (an HA pair
 * deduplicates); an attempt is delivered once every URL accepted it, a retry goes only to the URLs
 * that have not. Firing alerts are pushed again every {@code resend-interval} while they fire
 * (Alertmanager expires alerts it stops hearing about); a resolution is pushed with {@code endsAt}
 * and ends the re-sending. Answers are judged like the webhook's (2xx delivered, 5xx/429/errors
 * retried, other 4xx failed for good).
 */
final class AlertmanagerChannel implements AlertChannel {
  /** The {@code origin} label of alerts received from Alertmanager. */
  static final String FROM_ALERTMANAGER = "alertmanager";

  /** Partly delivered notifications remembered at most. */
  private static final int MAX_PARTIAL = 10_000;

  private final ChannelSettings settings;
  private final AlertmanagerSettings am;
  private final String externalUrl;
  private final HttpClient client;
  private final ScheduledExecutorService resender;

  /** Firing alerts to push again, by fingerprint. */
  private final Map<String, Alert> firing = new ConcurrentHashMap<>();

  /** The URLs that accepted a notification not yet delivered everywhere, by notification id. */
  private final Map<String, Set<URI>> accepted = new ConcurrentHashMap<>();

  private final AtomicLong resendFailures = new AtomicLong();

  AlertmanagerChannel(ChannelSettings settings, String externalUrl) {
    this.settings = settings;
    this.am = settings.alertmanager();
    this.externalUrl = externalUrl;
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(settings.retry().timeout())
            .build();
    this.resender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pipewatch-alertmanager-resend-" + settings.name());
              t.setDaemon(true);
              return t;
            });
    long every = am.resendInterval().toMillis();
    resender.scheduleWithFixedDelay(this::resend, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public String name() {
    return settings.name();
  }

  /** Failed re-sends of firing alerts so far (each is tried again at the next interval). */
  long resendFailures() {
    return resendFailures.get();
  }

  @Override
  public CompletionStage<Delivery> deliver(Notification n) {
    if (n.kind() == Notification.Kind.SUMMARY) {
      return CompletableFuture.completedFuture(
          Delivery.delivered("summary not pushed (Alertmanager has every alert)"));
    }
    // alerts that came from Alertmanager are never pushed back (whatever the channel's route says)
    List<Alert> own =
        n.alerts().stream()
            .filter(a -> !FROM_ALERTMANAGER.equals(a.labels().get("origin")))
            .toList();
    if (own.isEmpty()) {
      return CompletableFuture.completedFuture(
          Delivery.delivered("from Alertmanager: not pushed back"));
    }
    boolean resolved = n.kind() == Notification.Kind.RESOLVED;
    for (Alert a : own) {
      if (resolved || !a.active()) {
        firing.remove(a.fingerprint());
      } else {
        firing.put(a.fingerprint(), a);
      }
    }
    byte[] body = Payloads.bytes(alerts(own, resolved, System.currentTimeMillis()));
    if (accepted.size() > MAX_PARTIAL) {
      // notifications given up while partly delivered; forgetting them only means a later retry
      // may reach an instance again, which Alertmanager deduplicates
      accepted.clear();
    }
    Set<URI> done = accepted.computeIfAbsent(n.id(), id -> ConcurrentHashMap.newKeySet());
    List<CompletableFuture<String>> attempts = new ArrayList<>();
    for (URI url : am.urls()) {
      if (!done.contains(url)) {
        attempts.add(post(url, body, n.id()).thenApply(d -> judged(url, d, done)));
      }
    }
    return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<String> failures = new ArrayList<>();
              for (CompletableFuture<String> a : attempts) {
                String failure = a.join();
                if (failure != null) {
                  failures.add(failure);
                }
              }
              if (failures.isEmpty()) {
                accepted.remove(n.id());
                return Delivery.delivered(am.urls().size() + " Alertmanager(s) accepted");
              }
              String detail = String.join("; ", failures);
              boolean retry = failures.stream().anyMatch(f -> f.contains("[retry]"));
              if (!retry) {
                accepted.remove(n.id());
                return Delivery.failed(detail);
              }
              return Delivery.retry(null, detail);
            });
  }

  /** Null when {@code url} accepted, else what went wrong, tagged "[retry]" when worth retrying. */
  private static String judged(URI url, Delivery d, Set<URI> done) {
    if (d.outcome() == Delivery.Outcome.DELIVERED) {
      done.add(url);
      return null;
    }
    return url + ": " + d.detail() + (d.outcome() == Delivery.Outcome.RETRY ? " [retry]" : "");
  }

  private CompletableFuture<Delivery> post(URI base, byte[] body, String id) {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint(base))
            .timeout(settings.retry().timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "Pipewatch")
            .header(WebhookChannel.IDEMPOTENCY_KEY, id)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                return Delivery.retry(null, cause.getClass().getSimpleName());
              }
              return WebhookChannel.judge(
                  response.statusCode(), response.headers().firstValue("Retry-After").orElse(null));
            });
  }

  private void resend() {
    try {
      if (firing.isEmpty()) {
        return;
      }
      byte[] body =
          Payloads.bytes(
              alerts(new ArrayList<>(firing.values()), false, System.currentTimeMillis()));
      for (URI url : am.urls()) {
        post(url, body, "resend")
            .thenAccept(
                d -> {
                  if (d.outcome() != Delivery.Outcome.DELIVERED) {
                    resendFailures.incrementAndGet();
                  }
                });
      }
    } catch (RuntimeException e) {
      resendFailures.incrementAndGet();
    }
  }

  @Override
  public void close() {
    resender.shutdownNow();
  }

  static URI endpoint(URI base) {
    String s = base.toString();
    return URI.create((s.endsWith("/") ? s.substring(0, s.length() - 1) : s) + "/api/v2/alerts");
  }

  /** The API v2 body for {@code alerts}: firing ones without endsAt, resolved ones with it. */
  List<Map<String, Object>> alerts(List<Alert> alerts, boolean resolved, long nowMillis) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Alert a : alerts) {
      Map<String, String> labels = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : a.labels().entrySet()) {
        labels.put(labelName(e.getKey()), e.getValue());
      }
      labels.putIfAbsent("alertname", a.title());
      labels.putIfAbsent("source", a.source());
      labels.putIfAbsent("kind", a.labels().getOrDefault("origin", "pipewatch"));
      labels.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
      labels.values().removeIf(String::isEmpty);
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("summary", a.title());
      annotations.put("description", a.description());
      if (!a.evidence().isEmpty()) {
        annotations.put("evidence", String.join("; ", a.evidence()));
      }
      annotations.put("dashboard", externalUrl + "/#/alerts/" + a.id());
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("labels", labels);
      alert.put("annotations", annotations);
      alert.put("startsAt", Payloads.time(a.startsMillis()));
      if (resolved || !a.active()) {
        alert.put("endsAt", Payloads.time(a.endsMillis() > 0 ? a.endsMillis() : nowMillis));
      }
      alert.put("generatorURL", externalUrl + "/api/alerts/" + a.id());
      out.add(alert);
    }
    return out;
  }

  /** A Prometheus label name: letters, digits and underscores, not starting with a digit. */
  static String labelName(String name) {
    String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
    return s.isEmpty() || Character.isDigit(s.charAt(0)) ? "_" + s : s;
  }
}
