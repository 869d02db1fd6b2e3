package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertEvent.AlertRecorded;
import io.pipewatch.analyzer.alert.AlertEvent.AlertsForgotten;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationQueued;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSettled;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSuppressed;
import io.pipewatch.analyzer.alert.AlertEvent.SilenceDeleted;
import io.pipewatch.analyzer.alert.AlertEvent.SilenceSaved;
import io.pipewatch.analyzer.alert.AlertSettings.ChannelSettings;
import io.pipewatch.analyzer.alert.AlertSettings.InhibitRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The alert router's logic, without an actor: it turns signals, operator actions and clock ticks
 * into {@link AlertEvent}s (applied to its {@link AlertBook} at once and returned, for the journal
 * and for dispatch: every {@link NotificationQueued} is a message to send). Time is a parameter
 * ({@code nowMillis}), so tests drive it with a manual clock.
 *
 * <p>What a firing signal goes through, in order (Alertmanager's pipeline, plus cooldown and
 * acknowledgement): <b>dedup</b> — a fingerprint that is active updates its alert; one that
 * resolved less than {@code cooldown} ago re-opens it; else a new alert; <b>silences</b> — a
 * matching silence in force marks it silenced, nothing is sent; <b>inhibition</b> — an active alert
 * matching a rule's source (e.g. a cascading-failure pattern spanning the alert's source) holds it
 * back; <b>cooldown</b> — a fingerprint notified less than {@code cooldown} ago is not notified
 * again (unless its severity rose); <b>routing</b> — each channel whose minimum severity and label
 * matchers it passes; <b>grouping</b> — below the channel's immediate severity it waits {@code
 * group-wait} for others of its group; <b>rate limit</b> — beyond the channel's limit per window it
 * is held back and summarised in one notification when the window ends. Every hold-back is written
 * to the alert's notification log with its reason and counted; nothing is dropped from history. A
 * resolution is sent once, and only where its firing was.
 */
final class AlertEngine {
  /** Upper bounds of the delivery latency histogram, seconds. */
  static final List<Double> LATENCY_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0);

  private static final long RETENTION_EVERY_MILLIS = 10_000;

  private final AlertSettings settings;
  private final AlertBook book;
  private final Supplier<String> ids;
  private final Map<String, ChannelState> channels = new LinkedHashMap<>();
  private final Map<String, Long> sent = new HashMap<>();
  private final Map<String, Long> failed = new HashMap<>();
  private final Map<String, Long> suppressed = new HashMap<>();
  private final long[] latencyBuckets = new long[LATENCY_BUCKETS.size()];
  private long latencyCount;
  private double latencySum;
  private long lastRetentionMillis;
  private List<AlertEvent> out = new ArrayList<>();

  /** Why an operator action did not apply. */
  enum Refusal {
    NOT_FOUND,
    CONFLICT
  }

  /** The alert after an operator action, or why it was refused (with detail). */
  record Outcome(Alert alert, Refusal refusal, String detail) {}

  /** Per channel: its rate window, what the limit held back, and groups waiting. */
  private static final class ChannelState {
    final ChannelSettings settings;
    long windowStart = Long.MIN_VALUE;
    int sentInWindow;
    final List<String> heldBack = new ArrayList<>();
    long heldBackRaised;
    final Map<String, Group> groups = new LinkedHashMap<>();

    ChannelState(ChannelSettings settings) {
      this.settings = settings;
    }
  }

  /** Alerts of one group waiting to be sent together. */
  private static final class Group {
    final LinkedHashMap<String, Long> alertRaised = new LinkedHashMap<>();
    long firstAddedMillis = -1;
    long lastSentMillis = Long.MIN_VALUE;
  }

  AlertEngine(AlertSettings settings, AlertBook book, Supplier<String> ids) {
    this.settings = settings;
    this.book = book;
    this.ids = ids;
    for (ChannelSettings c : settings.channels()) {
      channels.put(c.name(), new ChannelState(c));
    }
  }

  AlertBook book() {
    return book;
  }

  AlertSettings settings() {
    return settings;
  }

  // ---- inputs ----

  /** A source reports a cause firing or cleared. */
  List<AlertEvent> onSignal(AlertSignal signal, long now) {
    if (!settings.enabled()) {
      return List.of();
    }
    Alert latest = book.latest(signal.fingerprint());
    if (signal.firing()) {
      if (latest != null && latest.active()) {
        boolean escalated = signal.severity().compareTo(latest.severity()) > 0;
        Alert updated = record(content(latest, signal, now));
        if (escalated && updated.status() == AlertStatus.FIRING) {
          notifyFiring(updated, now, signal.channel(), true);
        }
      } else if (latest != null && now - latest.endsMillis() < settings.cooldown().toMillis()) {
        Alert reopened =
            content(latest, signal, now)
                .withStatus(AlertStatus.FIRING, now, "analyzer", "fired again");
        reopened = record(silenceOrNot(reopened, now));
        notifyFiring(reopened, now, signal.channel(), false);
      } else {
        Alert fresh = record(silenceOrNot(newAlert(signal, now), now));
        notifyFiring(fresh, now, signal.channel(), false);
      }
    } else if (latest != null && latest.active()) {
      Alert resolved =
          record(latest.withStatus(AlertStatus.RESOLVED, now, "analyzer", "cause cleared"));
      notifyResolved(resolved, now);
    }
    return drain();
  }

  /** An operator takes an alert. */
  Outcome acknowledge(String id, String who, String note, long now) {
    Alert alert = book.alert(id);
    if (alert == null) {
      return new Outcome(null, Refusal.NOT_FOUND, id);
    }
    if (!alert.active()) {
      return new Outcome(alert, Refusal.CONFLICT, "alert " + id + " is resolved");
    }
    Alert acked = record(alert.withStatus(AlertStatus.ACKNOWLEDGED, now, who, note));
    channels.values().forEach(c -> c.groups.values().forEach(g -> g.alertRaised.remove(id)));
    return new Outcome(acked, null, null);
  }

  /** An operator closes an alert (sends its resolution where its firing went). */
  Outcome resolve(String id, String who, String note, long now) {
    Alert alert = book.alert(id);
    if (alert == null) {
      return new Outcome(null, Refusal.NOT_FOUND, id);
    }
    if (!alert.active()) {
      return new Outcome(alert, Refusal.CONFLICT, "alert " + id + " is already resolved");
    }
    Alert resolved = record(alert.withStatus(AlertStatus.RESOLVED, now, who, note));
    notifyResolved(resolved, now);
    return new Outcome(book.alert(id), null, null);
  }

  /** Adds a silence; active alerts it matches are silenced at once. */
  Silence addSilence(Silence silence, long now) {
    emit(new SilenceSaved(silence));
    reviewSilences(now);
    return silence;
  }

  /** Deletes a silence; alerts it held that nothing else holds fire (and notify) again. */
  boolean deleteSilence(String id, long now) {
    if (book.silence(id) == null) {
      return false;
    }
    emit(new SilenceDeleted(id));
    reviewSilences(now);
    return true;
  }

  /** A channel delivered a notification, or gave up on it. */
  void settled(
      Notification n, boolean delivered, String detail, long deliveredMillis, long latencyMillis) {
    if (!book.queued(n.id())) {
      return;
    }
    emit(
        new NotificationSettled(
            n.id(),
            n.channel(),
            n.alertIds(),
            delivered ? "sent" : "failed",
            deliveredMillis,
            detail));
    if (delivered) {
      sent.merge(n.channel(), 1L, Long::sum);
      observeLatency(latencyMillis);
    } else {
      failed.merge(n.channel(), 1L, Long::sum);
    }
  }

  /** Group waits that ended, rate windows that ended (summaries), silences, retention. */
  List<AlertEvent> onTick(long now) {
    for (ChannelState c : channels.values()) {
      flushGroups(c, now);
      rollWindow(c, now);
    }
    reviewSilences(now);
    if (now - lastRetentionMillis >= RETENTION_EVERY_MILLIS) {
      lastRetentionMillis = now;
      retain(now);
    }
    return drain();
  }

  /** The events produced since the last drain (operator actions, settlements). */
  List<AlertEvent> drain() {
    List<AlertEvent> done = out;
    out = new ArrayList<>();
    return done;
  }

  // ---- queries ----

  AlertQuery.Page query(AlertQuery query) {
    List<Alert> matching =
        book.alerts().stream()
            .filter(query::matches)
            .sorted(Comparator.comparingLong(Alert::updatedMillis).reversed())
            .toList();
    int from = Math.min(query.offset(), matching.size());
    int to = Math.min(matching.size(), from + query.limit());
    return new AlertQuery.Page(matching.subList(from, to), matching.size(), from, query.limit());
  }

  AlertFigures figures(boolean journalUp) {
    Map<String, Long> firing = new LinkedHashMap<>();
    for (Severity s : Severity.values()) {
      firing.put(s.name().toLowerCase(java.util.Locale.ROOT), 0L);
    }
    for (Alert a : book.alerts()) {
      if (a.status() == AlertStatus.FIRING || a.status() == AlertStatus.ACKNOWLEDGED) {
        firing.merge(a.severity().name().toLowerCase(java.util.Locale.ROOT), 1L, Long::sum);
      }
    }
    List<Long> cumulative = new ArrayList<>();
    long running = 0;
    for (long b : latencyBuckets) {
      running += b;
      cumulative.add(running);
    }
    return new AlertFigures(
        firing,
        sent,
        failed,
        suppressed,
        LATENCY_BUCKETS,
        cumulative,
        latencyCount,
        latencySum,
        journalUp);
  }

  // ---- the pipeline ----

  private Alert newAlert(AlertSignal s, long now) {
    return new Alert(
        ids.get(),
        s.fingerprint(),
        s.severity(),
        s.title(),
        s.description(),
        withSeverity(s.labels(), s.severity()),
        s.evidence(),
        s.sources(),
        now,
        0,
        now,
        AlertStatus.FIRING,
        List.of(new Alert.Transition(AlertStatus.FIRING, now, "analyzer", null)),
        null,
        List.of(),
        0,
        false,
        1);
  }

  private static Alert content(Alert alert, AlertSignal s, long now) {
    return alert.withContent(
        s.severity().compareTo(alert.severity()) > 0 || alert.status() == AlertStatus.RESOLVED
            ? s.severity()
            : alert.severity(),
        s.title(),
        s.description(),
        withSeverity(s.labels(), s.severity()),
        s.evidence(),
        s.sources(),
        now);
  }

  private static Map<String, String> withSeverity(Map<String, String> labels, Severity severity) {
    Map<String, String> l = new LinkedHashMap<>(labels);
    l.put("severity", severity.name().toLowerCase(java.util.Locale.ROOT));
    return l;
  }

  /** The alert as silenced if a silence in force matches it (and it is firing). */
  private Alert silenceOrNot(Alert alert, long now) {
    Silence s = silencing(alert, now);
    if (s != null && alert.status() == AlertStatus.FIRING) {
      return alert.withStatus(AlertStatus.SILENCED, now, "silence " + s.id(), s.comment());
    }
    return alert;
  }

  private Silence silencing(Alert alert, long now) {
    for (Silence s : book.silences()) {
      if (s.activeAt(now) && s.matches(alert.labels())) {
        return s;
      }
    }
    return null;
  }

  /** The active alert that inhibits {@code alert} under some rule, with the rule, or null. */
  private String inhibitor(Alert alert) {
    for (InhibitRule rule : settings.inhibitRules()) {
      if (!rule.target().stream().allMatch(m -> m.matches(alert.labels()))) {
        continue;
      }
      for (Alert other : book.alerts()) {
        if (other.id().equals(alert.id())
            || !other.active()
            || !rule.source().stream().allMatch(m -> m.matches(other.labels()))) {
          continue;
        }
        boolean equal =
            rule.equal().stream()
                .allMatch(
                    l ->
                        alert
                            .labels()
                            .getOrDefault(l, "")
                            .equals(other.labels().getOrDefault(l, "")));
        boolean within = !rule.withinSources() || other.sources().contains(alert.source());
        if (equal && within) {
          return other.id() + " (" + rule.name() + ")";
        }
      }
    }
    return null;
  }

  private List<ChannelState> routes(Alert alert, String only) {
    List<ChannelState> routed = new ArrayList<>();
    for (ChannelState c : channels.values()) {
      ChannelSettings cs = c.settings;
      if (only != null && !only.equals(cs.name())) {
        continue;
      }
      if (cs.name().equals(alert.labels().get("failing-channel"))) {
        continue; // an alert about a failing channel goes to the others
      }
      if (alert.severity().compareTo(cs.minSeverity()) < 0) {
        continue;
      }
      if (!cs.route().stream().allMatch(m -> m.matches(alert.labels()))) {
        continue;
      }
      routed.add(c);
    }
    return routed;
  }

  private void notifyFiring(Alert alert, long now, String only, boolean escalated) {
    List<ChannelState> routed = routes(alert, only);
    if (routed.isEmpty()) {
      return;
    }
    String reason = null;
    if (alert.status() == AlertStatus.SILENCED) {
      Silence s = silencing(alert, now);
      reason = "silenced by " + (s == null ? "a silence" : s.id());
    } else if (alert.status() != AlertStatus.FIRING) {
      return; // acknowledged: the operator knows
    } else {
      String by = inhibitor(alert);
      if (by != null) {
        reason = "inhibited by " + by;
      } else if (!escalated
          && alert.lastNotifiedMillis() > 0
          && now - alert.lastNotifiedMillis() < settings.cooldown().toMillis()) {
        reason = "cooldown";
      }
    }
    if (reason != null) {
      for (ChannelState c : routed) {
        suppress(alert.id(), c.settings.name(), reason, now);
      }
      return;
    }
    for (ChannelState c : routed) {
      ChannelSettings cs = c.settings;
      if (alert.severity().compareTo(cs.immediateSeverity()) >= 0 || cs.groupWait().isZero()) {
        send(c, Notification.Kind.FIRING, List.of(alert), now, now, groupKey(cs, alert));
      } else {
        Group g = c.groups.computeIfAbsent(groupKey(cs, alert), k -> new Group());
        if (g.alertRaised.isEmpty()) {
          g.firstAddedMillis = now;
        }
        g.alertRaised.putIfAbsent(alert.id(), now);
      }
    }
    record(book.alert(alert.id()).withNotified(now, true));
  }

  private void notifyResolved(Alert alert, long now) {
    boolean wasWaiting = false;
    for (ChannelState c : channels.values()) {
      for (Group g : c.groups.values()) {
        wasWaiting |= g.alertRaised.remove(alert.id()) != null;
      }
    }
    if (!alert.resolutionOwed()) {
      return;
    }
    if (!wasWaiting) {
      for (ChannelState c : routes(alert, null)) {
        send(c, Notification.Kind.RESOLVED, List.of(alert), now, now, groupKey(c.settings, alert));
      }
    }
    record(book.alert(alert.id()).withNotified(alert.lastNotifiedMillis(), false));
  }

  private void flushGroups(ChannelState c, long now) {
    ChannelSettings cs = c.settings;
    for (Map.Entry<String, Group> e : c.groups.entrySet()) {
      Group g = e.getValue();
      if (g.alertRaised.isEmpty()
          || now - g.firstAddedMillis < cs.groupWait().toMillis()
          || (g.lastSentMillis != Long.MIN_VALUE
              && now - g.lastSentMillis < cs.groupInterval().toMillis())) {
        continue;
      }
      List<Alert> alerts = new ArrayList<>();
      long raised = Long.MAX_VALUE;
      for (Map.Entry<String, Long> waiting : g.alertRaised.entrySet()) {
        Alert a = book.alert(waiting.getKey());
        if (a == null || a.status() != AlertStatus.FIRING) {
          continue;
        }
        String by = inhibitor(a);
        if (by != null) {
          suppress(a.id(), cs.name(), "inhibited by " + by, now);
          continue;
        }
        alerts.add(a);
        raised = Math.min(raised, waiting.getValue());
      }
      g.alertRaised.clear();
      g.lastSentMillis = now;
      if (!alerts.isEmpty()) {
        send(c, Notification.Kind.FIRING, alerts, now, raised, e.getKey());
      }
    }
    c.groups.values().removeIf(g -> g.alertRaised.isEmpty() && now - g.lastSentMillis > 3_600_000);
  }

  private void rollWindow(ChannelState c, long now) {
    if (c.windowStart == Long.MIN_VALUE
        || now - c.windowStart < c.settings.rateWindow().toMillis()) {
      return;
    }
    if (!c.heldBack.isEmpty()) {
      List<String> held = List.copyOf(c.heldBack);
      Notification summary =
          new Notification(
              ids.get(),
              c.settings.name(),
              Notification.Kind.SUMMARY,
              "",
              List.of(),
              now,
              c.heldBackRaised,
              held.size(),
              held);
      emit(new NotificationQueued(summary));
      c.heldBack.clear();
    }
    c.windowStart = Long.MIN_VALUE;
    c.sentInWindow = 0;
  }

  private void send(
      ChannelState c,
      Notification.Kind kind,
      List<Alert> alerts,
      long now,
      long raised,
      String groupKey) {
    rollWindow(c, now);
    if (c.windowStart == Long.MIN_VALUE) {
      c.windowStart = now;
    }
    if (c.sentInWindow >= c.settings.rateLimit()) {
      if (c.heldBack.isEmpty()) {
        c.heldBackRaised = raised;
      }
      for (Alert a : alerts) {
        suppress(a.id(), c.settings.name(), "rate-limited", now);
        c.heldBack.add(a.id());
      }
      return;
    }
    c.sentInWindow++;
    emit(
        new NotificationQueued(
            new Notification(
                ids.get(),
                c.settings.name(),
                kind,
                groupKey,
                alerts.stream().map(AlertEngine::lean).toList(),
                now,
                raised,
                0,
                List.of())));
  }

  /** Silences that ended are deleted; alerts follow the silences in force. */
  private void reviewSilences(long now) {
    for (Silence s : List.copyOf(book.silences())) {
      if (s.expiredAt(now)) {
        emit(new SilenceDeleted(s.id()));
      }
    }
    for (Alert a : List.copyOf(book.alerts())) {
      if (a.status() == AlertStatus.FIRING) {
        Silence s = silencing(a, now);
        if (s != null) {
          record(a.withStatus(AlertStatus.SILENCED, now, "silence " + s.id(), s.comment()));
          channels
              .values()
              .forEach(c -> c.groups.values().forEach(g -> g.alertRaised.remove(a.id())));
        }
      } else if (a.status() == AlertStatus.SILENCED && silencing(a, now) == null) {
        Alert firing = record(a.withStatus(AlertStatus.FIRING, now, "silence ended", null));
        notifyFiring(firing, now, null, false);
      }
    }
  }

  /** Resolved alerts older than keep-resolved, and the oldest resolved beyond max-alerts. */
  private void retain(long now) {
    List<String> forget = new ArrayList<>();
    int excess = book.size() - settings.maxAlerts();
    for (Alert a : book.alerts()) {
      if (a.active()) {
        continue;
      }
      if (excess > 0) {
        forget.add(a.id());
        excess--;
      } else if (now - a.endsMillis() > settings.keepResolved().toMillis()) {
        forget.add(a.id());
      }
    }
    if (!forget.isEmpty()) {
      emit(new AlertsForgotten(forget));
    }
  }

  private void suppress(String alertId, String channel, String reason, long now) {
    emit(new NotificationSuppressed(alertId, channel, reason, now));
    String shortReason = reason.split(" ")[0];
    suppressed.merge(channel + "|" + shortReason, 1L, Long::sum);
  }

  private static String groupKey(ChannelSettings cs, Alert alert) {
    StringBuilder key = new StringBuilder();
    for (String label : cs.groupBy()) {
      key.append(label).append('=').append(alert.labels().getOrDefault(label, "")).append(',');
    }
    return key.toString();
  }

  /** The alert without its logs and history, as a notification carries it. */
  static Alert lean(Alert a) {
    return new Alert(
        a.id(),
        a.fingerprint(),
        a.severity(),
        a.title(),
        a.description(),
        a.labels(),
        a.evidence(),
        a.sources(),
        a.startsMillis(),
        a.endsMillis(),
        a.updatedMillis(),
        a.status(),
        List.of(),
        a.acknowledgement(),
        List.of(),
        a.lastNotifiedMillis(),
        a.resolutionOwed(),
        a.version());
  }

  private Alert record(Alert alert) {
    emit(new AlertRecorded(alert));
    return book.alert(alert.id());
  }

  private void emit(AlertEvent event) {
    book.apply(event);
    out.add(event);
  }

  private void observeLatency(long millis) {
    double seconds = Math.max(0, millis) / 1000.0;
    latencyCount++;
    latencySum += seconds;
    for (int i = 0; i < LATENCY_BUCKETS.size(); i++) {
      if (seconds <= LATENCY_BUCKETS.get(i)) {
        latencyBuckets[i]++;
        return;
      }
    }
  }
}
