package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.alert.AlertEvent.AlertRecorded;
import io.pipewatch.analyzer.alert.AlertEvent.AlertsForgotten;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationQueued;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSettled;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSuppressed;
import io.pipewatch.analyzer.alert.AlertEvent.SilenceDeleted;
import io.pipewatch.analyzer.alert.AlertEvent.SilenceSaved;
import io.pipewatch.collector.CborSerializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's durable state, folded from {@link AlertEvent}s: alerts by id (oldest first), the
 * latest alert of each fingerprint, the notification outbox (queued, not yet settled) and the
 * silences. Mutable, owned by one actor at a time; {@link #snapshot()} is the immutable copy that
 * goes to the snapshot store.
 */
final class AlertBook {
  /** Log lines kept per alert. */
  static final int MAX_LOG = 50;

  private final LinkedHashMap<String, Alert> alerts = new LinkedHashMap<>();
  private final Map<String, String> latestByFingerprint = new HashMap<>();
  private final LinkedHashMap<String, Notification> outbox = new LinkedHashMap<>();
  private final LinkedHashMap<String, Silence> silences = new LinkedHashMap<>();

  /** The immutable form written to (and read from) the snapshot store. */
  record Snapshot(List<Alert> alerts, List<Notification> outbox, List<Silence> silences)
      implements CborSerializable {
    public Snapshot {
      alerts = List.copyOf(alerts);
      outbox = List.copyOf(outbox);
      silences = List.copyOf(silences);
    }
  }

  static AlertBook of(Snapshot snapshot) {
    AlertBook book = new AlertBook();
    snapshot.alerts().forEach(book::put);
    snapshot.outbox().forEach(n -> book.outbox.put(n.id(), n));
    snapshot.silences().forEach(s -> book.silences.put(s.id(), s));
    return book;
  }

  Snapshot snapshot() {
    return new Snapshot(
        new ArrayList<>(alerts.values()),
        new ArrayList<>(outbox.values()),
        new ArrayList<>(silences.values()));
  }

  /** Applies one event; returns this book. */
  AlertBook apply(AlertEvent event) {
    if (event instanceof AlertRecorded recorded) {
      put(recorded.alert());
    } else if (event instanceof NotificationQueued queued) {
      Notification n = queued.notification();
      outbox.put(n.id(), n);
      for (Alert a : n.alerts()) {
        log(a.id(), new Alert.LogEntry(n.channel(), n.id(), n.createdMillis(), "queued", null));
      }
    } else if (event instanceof NotificationSettled settled) {
      outbox.remove(settled.notificationId());
      for (String id : settled.alertIds()) {
        log(
            id,
            new Alert.LogEntry(
                settled.channel(),
                settled.notificationId(),
                settled.atMillis(),
                settled.outcome(),
                settled.detail()));
      }
    } else if (event instanceof NotificationSuppressed s) {
      log(
          s.alertId(),
          new Alert.LogEntry(s.channel(), null, s.atMillis(), "suppressed", s.reason()));
    } else if (event instanceof SilenceSaved saved) {
      silences.put(saved.silence().id(), saved.silence());
    } else if (event instanceof SilenceDeleted deleted) {
      silences.remove(deleted.silenceId());
    } else if (event instanceof AlertsForgotten forgotten) {
      forgotten.alertIds().forEach(this::forget);
    }
    return this;
  }

  private void put(Alert alert) {
    Alert previous = alerts.get(alert.id());
    if (previous != null && previous.version() > alert.version()) {
      return; // an older copy written again after an outage
    }
    if (previous != null && previous.notifications().size() > alert.notifications().size()) {
      // the log is appended by settle/suppress events: keep the longer one
      alert = withLog(alert, previous.notifications());
    }
    alerts.put(alert.id(), alert);
    latestByFingerprint.put(alert.fingerprint(), alert.id());
  }

  private static Alert withLog(Alert alert, List<Alert.LogEntry> log) {
    return new Alert(
        alert.id(),
        alert.fingerprint(),
        alert.severity(),
        alert.title(),
        alert.description(),
        alert.labels(),
        alert.evidence(),
        alert.sources(),
        alert.startsMillis(),
        alert.endsMillis(),
        alert.updatedMillis(),
        alert.status(),
        alert.history(),
        alert.acknowledgement(),
        log,
        alert.lastNotifiedMillis(),
        alert.resolutionOwed(),
        alert.version());
  }

  private void log(String alertId, Alert.LogEntry entry) {
    Alert alert = alerts.get(alertId);
    if (alert != null && !alert.notifications().contains(entry)) {
      alerts.put(alertId, alert.withLog(entry, MAX_LOG));
    }
  }

  private void forget(String id) {
    Alert removed = alerts.remove(id);
    if (removed != null && id.equals(latestByFingerprint.get(removed.fingerprint()))) {
      latestByFingerprint.remove(removed.fingerprint());
    }
  }

  Alert alert(String id) {
    return alerts.get(id);
  }

  /** The most recent alert of {@code fingerprint} (active or resolved), or null. */
  Alert latest(String fingerprint) {
    String id = latestByFingerprint.get(fingerprint);
    return id == null ? null : alerts.get(id);
  }

  Collection<Alert> alerts() {
    return alerts.values();
  }

  Collection<Notification> outbox() {
    return outbox.values();
  }

  boolean queued(String notificationId) {
    return outbox.containsKey(notificationId);
  }

  Collection<Silence> silences() {
    return silences.values();
  }

  Silence silence(String id) {
    return silences.get(id);
  }

  int size() {
    return alerts.size();
  }
}
