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
 * once the router has them; a bad payload 400 naming the field.
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
                                  signals.forEach(s -> router.tell(new AlertRouter.Raise(s)));
                                  int firing =
                                      (int) signals.stream().filter(AlertSignal::firing).count();
                                  Received r = new Received(firing, signals.size() - firing);
                                  // the router answers after the signals told before (one sender)
                                  return ErrorHandling.answer(
                                      AskPattern.ask(
                                          router,
                                          AlertRouter.GetSummary::new,
                                          timeout,
                                          system.scheduler()),
                                      (AlertRouter.Summary s) ->
                                          complete(StatusCodes.OK, r, JsonSupport.marshaller()),
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
