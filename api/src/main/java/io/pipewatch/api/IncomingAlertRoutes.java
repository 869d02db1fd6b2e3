package io.pipewatch.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import io.pipewatch.analyzer.AlertRouter;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertSignal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /api/alerts/incoming}: Alertmanager's webhook payload (version 4), so that an
 * existing Alertmanager can route Prometheus alerts to Pipewatch ({@code webhook_configs: [{url:
 * http://pipewatch:8080/api/alerts/incoming, send_resolved: true}]}). Each alert becomes a signal
 * to the {@link AlertRouter} with fingerprint {@code alertmanager/<Alertmanager's fingerprint>}
 * (repeats update one alert; {@code status: resolved} resolves it), labels as sent plus {@code
 * origin = alertmanager} and a {@code source} (the {@code source}, {@code instance} or {@code job}
 * label), severity from the {@code severity} label (warning when absent or unknown), title from the
 * {@code summary} annotation (else {@code alertname}). Answers 200 {@code {"firing", "resolved"}}
 * once the router has them; a bad payload 400 naming the field (at most {@value #MAX_ALERTS}
 * alerts, {@value #MAX_LABELS} labels and annotations each, names of {@value #MAX_NAME} and values
 * of {@value #MAX_VALUE} characters); 429 when it would open more active alerts from outside than
 * the router keeps ({@code pipewatch.alerts.retention.max-active-incoming}).
 */
final class IncomingAlertRoutes {
  /** The label every alert from Alertmanager carries. */
  static final String ORIGIN = "alertmanager";

  private final ActorSystem<?> system;
  private final ActorRef<AlertRouter.Command> router;
  private final Duration timeout;

  IncomingAlertRoutes(
      ActorSystem<?> system, ActorRef<AlertRouter.Command> router, Duration timeout) {
    this.system = system;
    this.router = router;
    this.timeout = timeout;
  }

  /** Alertmanager's webhook body (fields of version 4). */
  record Payload(
      String version,
      String groupKey,
      Integer truncatedAlerts,
      String status,
      String receiver,
      Map<String, String> groupLabels,
      Map<String, String> commonLabels,
      Map<String, String> commonAnnotations,
      String externalURL,
      List<IncomingAlert> alerts) {}

  /** One alert of the payload. */
  record IncomingAlert(
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      String startsAt,
      String endsAt,
      String generatorURL,
      String fingerprint) {}

  /** What the route answers: how many alerts it passed on firing and resolved. */
  record Received(int firing, int resolved) {}

  Route route() {
    return path(
        segment("api").slash("alerts").slash("incoming"),
        () ->
            post(
                () ->
                    ApiDirectives.jsonBody(
                        Payload.class,
                        payload ->
                            AlertRoutes.checked(
                                () -> {
                                  List<AlertSignal> signals = signals(payload);
                                  int firing =
                                      (int) signals.stream().filter(AlertSignal::firing).count();
                                  Received r = new Received(firing, signals.size() - firing);
                                  return ErrorHandling.answer(
                                      AskPattern.ask(
                                          router,
                                          (ActorRef<AlertRouter.Taken> to) ->
                                              new AlertRouter.RaiseAll(signals, to),
                                          timeout,
                                          system.scheduler()),
                                      (AlertRouter.Taken taken) ->
                                          taken.refusal() == null
                                              ? complete(
                                                  StatusCodes.OK, r, JsonSupport.marshaller())
                                              : ErrorHandling.error(
                                                  StatusCodes.TOO_MANY_REQUESTS,
                                                  new ApiError(
                                                      "too many active alerts from outside",
                                                      "alerts",
                                                      taken.refusal())),
                                      "the alert router",
                                      timeout);
                                }))));
  }

  /** The payload's alerts as signals; a missing or bad field throws, naming it. */
  static List<AlertSignal> signals(Payload p) {
    if (!"4".equals(p.version())) {
      throw new AlertRequests.Invalid("version", "expected \"4\" (Alertmanager's webhook payload)");
    }
    if (p.alerts() == null) {
      throw new AlertRequests.Invalid("alerts", "expected an array of alerts");
    }
    if (p.alerts().size() > MAX_ALERTS) {
      throw new AlertRequests.Invalid(
          "alerts", "at most " + MAX_ALERTS + " alerts a request, got " + p.alerts().size());
    }
    List<AlertSignal> out = new ArrayList<>();
    for (int i = 0; i < p.alerts().size(); i++) {
      out.add(signal(p.alerts().get(i), "alerts[" + i + "]"));
    }
    return out;
  }

  private static AlertSignal signal(IncomingAlert a, String at) {
    if (a == null) {
      throw new AlertRequests.Invalid(at, "expected an alert object");
    }
    if (!"firing".equals(a.status()) && !"resolved".equals(a.status())) {
      throw new AlertRequests.Invalid(at + ".status", "expected firing or resolved");
    }
    if (a.fingerprint() == null || a.fingerprint().isBlank()) {
      throw new AlertRequests.Invalid(at + ".fingerprint", "must not be empty");
    }
    if (a.labels() == null || blank(a.labels().get("alertname"))) {
      throw new AlertRequests.Invalid(at + ".labels.alertname", "must not be empty");
    }
    Map<String, String> annotations = a.annotations() == null ? Map.of() : a.annotations();
    bounded(a.labels(), MAX_LABELS, at + ".labels");
    bounded(annotations, MAX_LABELS, at + ".annotations");
    Map<String, String> labels = new LinkedHashMap<>();
    a.labels()
        .forEach(
            (k, v) -> {
              if (k != null && v != null) {
                labels.put(k, v);
              }
            });
    String source = labels.get("source");
    if (blank(source)) {
      source = !blank(labels.get("instance")) ? labels.get("instance") : labels.get("job");
    }
    if (blank(source)) {
      source = ORIGIN;
    }
    labels.put("source", source);
    labels.put("origin", ORIGIN);
    String title =
        blank(annotations.get("summary")) ? labels.get("alertname") : annotations.get("summary");
    String description =
        blank(annotations.get("description")) ? "" : annotations.get("description");
    List<String> evidence = new ArrayList<>();
    if (!blank(a.generatorURL())) {
      evidence.add("generator: " + a.generatorURL());
    }
    return new AlertSignal(
        ORIGIN + "/" + a.fingerprint(),
        a.status().equals("firing"),
        severity(labels.get("severity")),
        title,
        description,
        labels,
        evidence,
        List.of(source),
        null);
  }

  /** Caps on what one request may hold, so that no sender can fill the router's memory. */
  static final int MAX_ALERTS = 1000;

  static final int MAX_LABELS = 64;
  static final int MAX_NAME = 128;
  static final int MAX_VALUE = 4096;

  private static void bounded(Map<String, String> entries, int max, String field) {
    if (entries.size() > max) {
      throw new AlertRequests.Invalid(field, "at most " + max + " entries, got " + entries.size());
    }
    for (Map.Entry<String, String> e : entries.entrySet()) {
      if (e.getKey() != null && e.getKey().length() > MAX_NAME) {
        throw new AlertRequests.Invalid(field, "a name longer than " + MAX_NAME + " characters");
      }
      if (e.getValue() != null && e.getValue().length() > MAX_VALUE) {
        throw new AlertRequests.Invalid(
            field + "." + e.getKey(), "longer than " + MAX_VALUE + " characters");
      }
    }
  }

  private static Severity severity(String label) {
    if (blank(label)) {
      return Severity.WARNING;
    }
    return switch (label.trim().toLowerCase(Locale.ROOT)) {
      case "info", "informational", "none" -> Severity.INFO;
      case "critical", "error", "page", "high" -> Severity.CRITICAL;
      case "emergency", "fatal" -> Severity.EMERGENCY;
      default -> Severity.WARNING;
    };
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
