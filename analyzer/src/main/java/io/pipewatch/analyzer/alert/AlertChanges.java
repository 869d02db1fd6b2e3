package io.pipewatch.analyzer.alert;

import java.util.HashMap;
import java.util.Map;

/**
 * The router's memory of each alert as last classified, to tell which {@link
 * AlertEvent.AlertRecorded} is a lifecycle step ({@link AlertChange}) and which is bookkeeping.
 */
final class AlertChanges {
  private final Map<String, Alert> known = new HashMap<>();

  /** Remembers {@code alert} without announcing it (recovered or merged state). */
  void remember(Alert alert) {
    Alert mine = known.get(alert.id());
    if (mine == null || mine.version() < alert.version()) {
      known.put(alert.id(), alert);
    }
  }

  /** The change {@code event} makes, or null when it is none to announce. */
  AlertChange on(AlertEvent event) {
    if (event instanceof AlertEvent.AlertsForgotten f) {
      f.alertIds().forEach(known::remove);
      return null;
    }
    if (!(event instanceof AlertEvent.AlertRecorded r)) {
      return null;
    }
    Alert after = r.alert();
    Alert before = known.get(after.id());
    if (before != null && before.version() >= after.version()) {
      return null; // an older copy written again
    }
    known.put(after.id(), after);
    AlertChange.Step step = AlertChange.between(before, after);
    return step == null ? null : new AlertChange(step, after);
  }
}
