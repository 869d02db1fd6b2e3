package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One alert as it stands: {@code id}, the {@code fingerprint} that deduplicates it (source + kind +
 * rule), severity, title, description, labels, evidence, the sources it spans, when it started and
 * ended ({@code endsMillis} 0 while active; epoch milliseconds of the router's clock), its status
 * with the history of transitions, who acknowledged it, and its notification log (every channel's
 * outcome, and every suppression with its reason). {@code lastNotifiedMillis} is when a firing
 * notification was last queued for it (the cooldown's reference), {@code resolutionOwed} whether a
 * resolution notification is due once it resolves. {@code version} grows with every change, so an
 * older copy written again after a journal outage never replaces a newer one. {@code lease} (null
 * for alerts that are not leased, and in the journal) says, in answers to queries, when an alert
 * raised from analysis last had its cause confirmed and when it resolves unless confirmed again.
 */
public record Alert(
    String id,
    String fingerprint,
    Severity severity,
    String title,
    String description,
    Map<String, String> labels,
    List<String> evidence,
    List<String> sources,
    long startsMillis,
    long endsMillis,
    long updatedMillis,
    AlertStatus status,
    List<Transition> history,
    Acknowledgement acknowledgement,
    List<LogEntry> notifications,
    long lastNotifiedMillis,
    boolean resolutionOwed,
    long version,
    Lease lease)
    implements CborSerializable {

  /** An alert without a lease. */
  public Alert(
      String id,
      String fingerprint,
      Severity severity,
      String title,
      String description,
      Map<String, String> labels,
      List<String> evidence,
      List<String> sources,
      long startsMillis,
      long endsMillis,
      long updatedMillis,
      AlertStatus status,
      List<Transition> history,
      Acknowledgement acknowledgement,
      List<LogEntry> notifications,
      long lastNotifiedMillis,
      boolean resolutionOwed,
      long version) {
    this(
        id,
        fingerprint,
        severity,
        title,
        description,
        labels,
        evidence,
        sources,
        startsMillis,
        endsMillis,
        updatedMillis,
        status,
        history,
        acknowledgement,
        notifications,
        lastNotifiedMillis,
        resolutionOwed,
        version,
        null);
  }

  /**
   * The lease of an alert raised from analysis: its cause was last confirmed at {@code
   * refreshedMillis} (by an analyzer's event or a bottleneck board holding it); unless confirmed
   * again it resolves at {@code expiresMillis}.
   */
  public record Lease(long refreshedMillis, long expiresMillis) implements CborSerializable {}

  /** This alert as a query shows it, with {@code lease}. */
  Alert withLease(Lease l) {
    return new Alert(
        id,
        fingerprint,
        severity,
        title,
        description,
        labels,
        evidence,
        sources,
        startsMillis,
        endsMillis,
        updatedMillis,
        status,
        history,
        acknowledgement,
        notifications,
        lastNotifiedMillis,
        resolutionOwed,
        version,
        l);
  }

  public Alert {
    labels = Map.copyOf(labels);
    evidence = List.copyOf(evidence);
    sources = List.copyOf(sources);
    history = List.copyOf(history);
    notifications = List.copyOf(notifications);
  }

  /** One status change: to {@code status} at {@code atMillis}, by whom (analyzer, operator). */
  public record Transition(AlertStatus status, long atMillis, String by, String note)
      implements CborSerializable {}

  /** Who took the alert, when, with what note. */
  public record Acknowledgement(String by, String note, long atMillis)
      implements CborSerializable {}

  /**
   * One line of the notification log: {@code channel} ({@code *} for a decision about every
   * channel), the notification's id (its idempotency key; null for a suppression), time, {@code
   * outcome} (queued, sent, failed, suppressed) and detail (status code, suppression reason).
   */
  public record LogEntry(
      String channel, String notificationId, long atMillis, String outcome, String detail)
      implements CborSerializable {}

  /** Whether it is still open. */
  public boolean active() {
    return status.active();
  }

  /** The {@code source} label, or an empty string. */
  public String source() {
    return labels.getOrDefault("source", "");
  }

  Alert withStatus(AlertStatus next, long atMillis, String by, String note) {
    List<Transition> h = new ArrayList<>(history);
    h.add(new Transition(next, atMillis, by, note));
    long ends = next == AlertStatus.RESOLVED ? atMillis : 0;
    return new Alert(
        id,
        fingerprint,
        severity,
        title,
        description,
        labels,
        evidence,
        sources,
        startsMillis,
        ends,
        atMillis,
        next,
        h,
        next == AlertStatus.ACKNOWLEDGED
            ? new Acknowledgement(by, note, atMillis)
            : acknowledgement,
        notifications,
        lastNotifiedMillis,
        resolutionOwed,
        version + 1);
  }

  Alert withContent(
      Severity sev,
      String newTitle,
      String newDescription,
      Map<String, String> newLabels,
      List<String> newEvidence,
      List<String> newSources,
      long atMillis) {
    return new Alert(
        id,
        fingerprint,
        sev,
        newTitle,
        newDescription,
        newLabels,
        newEvidence,
        newSources,
        startsMillis,
        endsMillis,
        atMillis,
        status,
        history,
        acknowledgement,
        notifications,
        lastNotifiedMillis,
        resolutionOwed,
        version + 1);
  }

  Alert withNotified(long notifiedMillis, boolean owed) {
    return new Alert(
        id,
        fingerprint,
        severity,
        title,
        description,
        labels,
        evidence,
        sources,
        startsMillis,
        endsMillis,
        updatedMillis,
        status,
        history,
        acknowledgement,
        notifications,
        notifiedMillis,
        owed,
        version + 1);
  }

  Alert withLog(LogEntry entry, int maxEntries) {
    List<LogEntry> log = new ArrayList<>(notifications);
    log.add(entry);
    if (log.size() > maxEntries) {
      log = log.subList(log.size() - maxEntries, log.size());
    }
    return new Alert(
        id,
        fingerprint,
        severity,
        title,
        description,
        labels,
        evidence,
        sources,
        startsMillis,
        endsMillis,
        updatedMillis,
        status,
        history,
        acknowledgement,
        log,
        lastNotifiedMillis,
        resolutionOwed,
        version + 1);
  }
}
