package io.pipewatch.analyzer.alert;

import io.pipewatch.collector.CborSerializable;
import java.util.List;

/**
 * What happened to the router's alerts, silences and notification outbox: its journal (Cassandra in
 * the server). Every event is idempotent — applying it twice leaves the same state — because after
 * a journal outage the router writes again what it is not sure was written.
 */
public sealed interface AlertEvent extends CborSerializable {

  /** The alert as it now stands (opened, updated, acknowledged, silenced, resolved). */
  record AlertRecorded(Alert alert) implements AlertEvent {}

  /** A notification entered the outbox; it stays there until it is settled. */
  record NotificationQueued(Notification notification) implements AlertEvent {}

  /** A notification left the outbox: {@code outcome} sent or failed (gave up), with detail. */
  record NotificationSettled(
      String notificationId,
      String channel,
      List<String> alertIds,
      String outcome,
      long atMillis,
      String detail)
      implements AlertEvent {
    public NotificationSettled {
      alertIds = List.copyOf(alertIds);
    }
  }

  /** A notification of an alert was not sent to {@code channel} ({@code *}: any) for a reason. */
  record NotificationSuppressed(String alertId, String channel, String reason, long atMillis)
      implements AlertEvent {}

  /** A silence was created (or replaced, same id). */
  record SilenceSaved(Silence silence) implements AlertEvent {}

  /** A silence was deleted or has expired. */
  record SilenceDeleted(String silenceId) implements AlertEvent {}

  /** Resolved alerts dropped from history (retention). */
  record AlertsForgotten(List<String> alertIds) implements AlertEvent {
    public AlertsForgotten {
      alertIds = List.copyOf(alertIds);
    }
  }
}
