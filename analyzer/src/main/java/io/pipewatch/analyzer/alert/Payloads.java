package io.pipewatch.analyzer.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON bodies of notifications: Pipewatch's own ({@link #pipewatch}) and Alertmanager's webhook
 * payload, version 4 ({@link #alertmanager}; fields as documented at
 * prometheus.io/docs/alerting/latest/configuration/#webhook_config), so receivers written for
 * Alertmanager work unchanged.
 */
final class Payloads {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Alertmanager's "no end yet" time. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Payloads() {}

  static byte[] bytes(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a notification", e);
    }
  }

  /**
   * {@code {"id", "channel", "kind", "subject", "createdAt", "groupKey", "alerts": [...],
   * "suppressedCount", "suppressedIds"}}; each alert with id, fingerprint, status, severity, title,
   * description, labels, evidence, sources, startsAt, endsAt (null while active).
   */
  static Map<String, Object> pipewatch(Notification n) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", n.id());
    body.put("channel", n.channel());
    body.put("kind", n.kind().name().toLowerCase(Locale.ROOT));
    body.put("subject", n.subject());
    body.put("createdAt", time(n.createdMillis()));
    body.put("groupKey", n.groupKey());
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Alert a : n.alerts()) {
      Map<String, Object> alert = new LinkedHashMap<>();
      alert.put("id", a.id());
      alert.put("fingerprint", a.fingerprint());
      alert.put("status", a.status().id());
      alert.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
      alert.put("title", a.title());
      alert.put("description", a.description());
      alert.put("labels", a.labels());
      alert.put("evidence", a.evidence());
      alert.put("sources", a.sources());
      alert.put("startsAt", time(a.startsMillis()));
      alert.put("endsAt", a.endsMillis() == 0 ? null : time(a.endsMillis()));
      alerts.add(alert);
    }
    body.put("alerts", alerts);
    body.put("suppressedCount", n.suppressedCount());
    body.put("suppressedIds", n.suppressedIds());
    return body;
  }

  /**
   * Alertmanager's webhook payload: {@code version "4"}, {@code groupKey}, {@code truncatedAlerts},
   * {@code status} (firing or resolved), {@code receiver}, {@code groupLabels}, {@code
   * commonLabels}, {@code commonAnnotations}, {@code externalURL} and {@code alerts} (each with
   * status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint). Labels carry {@code
   * alertname}; annotations {@code summary} and {@code description}. A rate-limit summary is one
   * alert named {@code PipewatchSuppressedAlerts}.
   */
  static Map<String, Object> alertmanager(Notification n, String externalUrl) {
    List<Map<String, Object>> alerts = new ArrayList<>();
    if (n.kind() == Notification.Kind.SUMMARY) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("alertname", "PipewatchSuppressedAlerts");
      labels.put("channel", n.channel());
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put("summary", n.subject());
      annotations.put("description", "held back by the rate limit: " + Notification.titles(n));
      alerts.add(amAlert("firing", labels, annotations, n.createdMillis(), 0, externalUrl, n.id()));
    } else {
      for (Alert a : n.alerts()) {
        Map<String, String> labels = new LinkedHashMap<>(a.labels());
        labels.putIfAbsent("alertname", a.title());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", a.title());
        annotations.put("description", a.description());
        if (!a.evidence().isEmpty()) {
          annotations.put("evidence", String.join("; ", a.evidence()));
        }
        String status = n.kind() == Notification.Kind.RESOLVED ? "resolved" : "firing";
        alerts.add(
            amAlert(
                status,
                labels,
                annotations,
                a.startsMillis(),
                a.endsMillis(),
                externalUrl + "/api/alerts/" + a.id(),
                a.fingerprint()));
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "4");
    body.put("groupKey", "{}:{" + n.groupKey() + "}");
    body.put("truncatedAlerts", 0);
    body.put("status", n.kind() == Notification.Kind.RESOLVED ? "resolved" : "firing");
    body.put("receiver", n.channel());
    body.put("groupLabels", groupLabels(n.groupKey()));
    body.put("commonLabels", common(alerts, "labels"));
    body.put("commonAnnotations", common(alerts, "annotations"));
    body.put("externalURL", externalUrl);
    body.put("alerts", alerts);
    return body;
  }

  private static Map<String, Object> amAlert(
      String status,
      Map<String, String> labels,
      Map<String, String> annotations,
      long starts,
      long ends,
      String generatorUrl,
      String fingerprint) {
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("status", status);
    alert.put("labels", labels);
    alert.put("annotations", annotations);
    alert.put("startsAt", time(starts));
    alert.put("endsAt", ends == 0 ? ZERO_TIME : time(ends));
    alert.put("generatorURL", generatorUrl);
    alert.put("fingerprint", fingerprint);
    return alert;
  }

  private static Map<String, String> groupLabels(String groupKey) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String part : groupKey.split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        labels.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return labels;
  }

  /** The label (or annotation) pairs every alert shares. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> common(List<Map<String, Object>> alerts, String field) {
    if (alerts.isEmpty()) {
      return Map.of();
    }
    Map<String, String> shared = new HashMap<>((Map<String, String>) alerts.get(0).get(field));
    for (Map<String, Object> a : alerts) {
      Map<String, String> own = (Map<String, String>) a.get(field);
      shared.entrySet().removeIf(e -> !e.getValue().equals(own.get(e.getKey())));
    }
    return new java.util.TreeMap<>(shared);
  }

  static String time(long millis) {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
  }
}
