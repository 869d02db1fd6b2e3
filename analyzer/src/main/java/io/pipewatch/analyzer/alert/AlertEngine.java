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
 * again (unless its severity rose) until the cooldown ends, when it is notified if it still fires;
 * <b>routing</b> — each channel whose minimum severity and label matchers it passes (the demo's
 * alerts only to channels that take them); <b>grouping</b> — below the channel's immediate severity
 * it waits {@code group-wait} for others of its group; <b>rate limit</b> — beyond the channel's
 * limit per window it is held back and summarised, by name, in one notification when the window
 * ends; the first notification of a group at critical or above in the window has a second budget of
 * the same size, so a storm of lesser alerts never holds back a new critical problem; the demo's
 * alerts count in windows of their own. Every hold-back is written to the alert's notification log
 * with its reason and counted; nothing is dropped from history. A resolution is sent once, and only
 * where its firing was.
 *
 * <p>Alerts raised from analysis are leased ({@link #reconcile}): each firing signal, or a board
 * still holding the cause, confirms the alert; one not confirmed within {@code lease} resolves.
 * Acknowledging an alert stops its repeats, not its lifecycle: it still resolves when its cause
 * clears, and a rise in severity is notified.
 */
final class AlertEngine {
  /** Upper bounds of the delivery latency histogram, seconds. */
  static final List<Double> LATENCY_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0);

  private static final long RETENTION_EVERY_MILLIS = 10_000;

  /** Critical alerts beyond a window's budget go out in batches at most this often. */
  private static final long BATCH_EVERY_MILLIS = 1_000;

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

  /** Leased fingerprints: when their cause was last confirmed. */
  private final Map<String, Long> confirmed = new HashMap<>();

  /** Alerts whose firing notification the cooldown holds back, with when it ends. */
  private final Map<String, Long> deferred = new LinkedHashMap<>();

  /** Who resolves an alert whose lease ran out. */
  static final String LEASE = "lease";

  /** Why an operator action did not apply. */
  enum Refusal {
    NOT_FOUND,
    CONFLICT
  }

  /** The alert after an operator action, or why it was refused (with detail). */
  record Outcome(Alert alert, Refusal refusal, String detail) {}

  /** Per channel: its rate windows (real alerts, the demo's), and groups waiting. */
  private static final class ChannelState {
    final ChannelSettings settings;
    final RateWindow real = new RateWindow();
    final RateWindow demo = new RateWindow();
    final Map<String, Group> groups = new LinkedHashMap<>();

    ChannelState(ChannelSettings settings) {
      this.settings = settings;
    }

    RateWindow window(List<Alert> alerts) {
      return alerts.stream().allMatch(AlertEngine::demo) ? demo : real;
    }
  }

  /** One rate window: when it started, what it sent, which groups it told, what it held back. */
  private static final class RateWindow {
    long start = Long.MIN_VALUE;
    int sent;
    long lastBatchMillis = Long.MIN_VALUE;
    final Map<String, Long> pressure = new LinkedHashMap<>();
    final java.util.Set<String> groupsTold = new java.util.HashSet<>();
    final List<String> heldBack = new ArrayList<>();
    long heldBackRaised;
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
    signal = labelled(signal);
    Alert latest = book.latest(signal.fingerprint());
    if (leased(signal.labels())) {
      if (signal.firing()) {
        confirmed.put(signal.fingerprint(), now);
      } else {
        confirmed.remove(signal.fingerprint());
      }
    }
    if (signal.firing()) {
      if (latest != null && latest.active()) {
        boolean escalated = signal.severity().compareTo(latest.severity()) > 0;
        Alert updated = record(content(latest, signal, now));
        if (escalated
            && (updated.status() == AlertStatus.FIRING
                || updated.status() == AlertStatus.ACKNOWLEDGED)) {
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

  /**
   * Leases: {@code held} are the causes the analyzers' boards hold now (with when each opened);
   * each confirms its alert, or opens one when it has none (a lost message, a restart) unless its
   * last alert was closed after the cause opened (by the analyzer or an operator; a lapsed lease
   * does not count). When {@code complete} (every board answered), leased alerts whose cause was
   * not confirmed within the lease resolve with the note "cause not seen since ...".
   */
  List<AlertEvent> reconcile(List<HeldCause> held, boolean complete, long now) {
    if (!settings.enabled()) {
      return List.of();
    }
    List<AlertEvent> produced = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (HeldCause h : held) {
      AlertSignal signal = h.signal();
      if (!seen.add(signal.fingerprint())) {
        continue;
      }
      Alert latest = book.latest(signal.fingerprint());
      if (latest != null && latest.active()) {
        confirmed.put(signal.fingerprint(), now);
      } else if (latest == null || lapsed(latest) || h.openedMillis() > latest.endsMillis()) {
        produced.addAll(onSignal(signal, now));
      }
    }
    if (complete) {
      for (Alert a : List.copyOf(book.alerts())) {
        if (!a.active() || !leased(a.labels()) || seen.contains(a.fingerprint())) {
          continue;
        }
        long last = confirmed.computeIfAbsent(a.fingerprint(), f -> now);
        if (now - last > settings.lease().toMillis()) {
          confirmed.remove(a.fingerprint());
          Alert resolved =
              record(
                  a.withStatus(
                      AlertStatus.RESOLVED,
                      now,
                      LEASE,
                      "cause not seen since " + Payloads.time(last)));
          notifyResolved(resolved, now);
        }
      }
    }
    produced.addAll(drain());
    return produced;
  }

  /** A cause a board holds: its firing signal and when it opened. */
  record HeldCause(AlertSignal signal, long openedMillis) {}

  private static boolean lapsed(Alert alert) {
    List<Alert.Transition> h = alert.history();
    return !h.isEmpty() && LEASE.equals(h.get(h.size() - 1).by());
  }

  /** Alerts raised from analysis hold a lease. */
  static boolean leased(Map<String, String> labels) {
    String origin = labels.getOrDefault("origin", "");
    return origin.equals("bottleneck") || origin.equals("pattern");
  }

  private static boolean demo(Alert alert) {
    return "true".equals(alert.labels().get("demo"));
  }

  /** The signal with {@code demo=true} when every source it spans is the demo's. */
  private AlertSignal labelled(AlertSignal s) {
    if (settings.demoSources().isEmpty()) {
      return s;
    }
    List<String> sources = s.sources().isEmpty() ? List.of(s.source()) : s.sources();
    if (!settings.demoSources().containsAll(sources)) {
      return s;
    }
    Map<String, String> labels = new LinkedHashMap<>(s.labels());
    labels.put("demo", "true");
    return new AlertSignal(
        s.fingerprint(),
        s.firing(),
        s.severity(),
        s.title(),
        s.description(),
        labels,
        s.evidence(),
        s.sources(),
        s.channel());
  }

  /**
   * Null when {@code signals} from outside may be taken, else why not: they would open more active
   * alerts from outside than {@code retention.max-active-incoming}.
   */
  String admit(List<AlertSignal> signals) {
    long active =
        book.alerts().stream()
            .filter(a -> a.active() && INCOMING.equals(a.labels().get("origin")))
            .count();
    long opening =
        signals.stream()
            .filter(AlertSignal::firing)
            .map(AlertSignal::fingerprint)
            .distinct()
            .filter(f -> book.latest(f) == null || !book.latest(f).active())
            .count();
    if (active + opening > settings.maxActiveIncoming()) {
      return active
          + " alerts from outside are active and this request would open "
          + opening
          + " more; the limit is "
          + settings.maxActiveIncoming()
          + " (pipewatch.alerts.retention.max-active-incoming)";
    }
    return null;
  }

  /** The origin label of alerts from outside. */
  private static final String INCOMING = "alertmanager";

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
    for (var it = deferred.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> due = it.next();
      if (due.getValue() > now) {
        continue;
      }
      it.remove();
      Alert a = book.alert(due.getKey());
      if (a != null && a.status() == AlertStatus.FIRING) {
        notifyFiring(a, now, null, false);
      }
    }
    for (ChannelState c : channels.values()) {
      flushGroups(c, now);
      flushPressure(c, c.real, now);
      flushPressure(c, c.demo, now);
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
    return new AlertQuery.Page(
        matching.subList(from, to).stream().map(this::withLease).toList(),
        matching.size(),
        from,
        query.limit());
  }

  /** {@code alert} with its lease, if it holds one. */
  Alert withLease(Alert alert) {
    if (alert == null || !alert.active() || !leased(alert.labels())) {
      return alert;
    }
    Long last = confirmed.get(alert.fingerprint());
    if (last == null) {
      return alert;
    }
    return alert.withLease(new Alert.Lease(last, last + settings.lease().toMillis()));
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
      if (!cs.demo() && demo(alert)) {
        continue; // the demo speaks through the dashboard and the log only, unless configured
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
    } else if (alert.status() != AlertStatus.FIRING
        && !(escalated && alert.status() == AlertStatus.ACKNOWLEDGED)) {
      return; // acknowledged: the operator knows, unless it got worse
    } else {
      String by = inhibitor(alert);
      if (by != null) {
        reason = "inhibited by " + by;
      } else if (!escalated
          && alert.lastNotifiedMillis() > 0
          && now - alert.lastNotifiedMillis() < settings.cooldown().toMillis()) {
        long ends = alert.lastNotifiedMillis() + settings.cooldown().toMillis();
        reason = "cooldown until " + Payloads.time(ends);
        deferred.put(alert.id(), ends);
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
    List<Map.Entry<String, Group>> due = new ArrayList<>();
    for (Map.Entry<String, Group> e : c.groups.entrySet()) {
      Group g = e.getValue();
      if (!(g.alertRaised.isEmpty()
          || now - g.firstAddedMillis < cs.groupWait().toMillis()
          || (g.lastSentMillis != Long.MIN_VALUE
              && now - g.lastSentMillis < cs.groupInterval().toMillis()))) {
        due.add(e);
      }
    }
    // when the channel is saturated, what is worse and what nobody has heard of yet goes first
    due.sort(
        Comparator.comparing((Map.Entry<String, Group> e) -> worst(e.getValue()))
            .reversed()
            .thenComparing(e -> c.real.groupsTold.contains(e.getKey())));
    for (Map.Entry<String, Group> e : due) {
      Group g = e.getValue();
      List<Alert> alerts = new ArrayList<>();
      long raised = Long.MAX_VALUE;
      for (Map.Entry<String, Long> waiting : g.alertRaised.entrySet()) {
        Alert a = book.alert(waiting.getKey());
        if (a == null
            || !(a.status() == AlertStatus.FIRING || a.status() == AlertStatus.ACKNOWLEDGED)) {
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

  /** The highest severity among a group's waiting alerts. */
  private Severity worst(Group g) {
    Severity worst = Severity.values()[0];
    for (String id : g.alertRaised.keySet()) {
      Alert a = book.alert(id);
      if (a != null && a.severity().compareTo(worst) > 0) {
        worst = a.severity();
      }
    }
    return worst;
  }

  private void rollWindow(ChannelState c, long now) {
    rollWindow(c, c.real, now);
    rollWindow(c, c.demo, now);
  }

  /**
   * Critical alerts that came after the window's budget was spent go out together, at most one
   * batch a second: a critical problem waits at most a second, however long a storm lasts, and a
   * storm of them is told in one notification a second, not one each.
   */
  private void flushPressure(ChannelState c, RateWindow w, long now) {
    if (w.pressure.isEmpty()
        || (w.lastBatchMillis != Long.MIN_VALUE && now - w.lastBatchMillis < BATCH_EVERY_MILLIS)) {
      return;
    }
    List<Alert> alerts = new ArrayList<>();
    long raised = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : w.pressure.entrySet()) {
      Alert a = book.alert(e.getKey());
      if (a != null
          && (a.status() == AlertStatus.FIRING || a.status() == AlertStatus.ACKNOWLEDGED)) {
        alerts.add(a);
        raised = Math.min(raised, e.getValue());
      }
    }
    w.pressure.clear();
    if (alerts.isEmpty()) {
      return;
    }
    w.lastBatchMillis = now;
    emit(
        new NotificationQueued(
            new Notification(
                ids.get(),
                c.settings.name(),
                Notification.Kind.FIRING,
                "",
                alerts.stream().map(AlertEngine::lean).toList(),
                now,
                raised,
                0,
                List.of())));
  }

  /** A window that ended: what it held back goes out in one summary naming every alert. */
  private void rollWindow(ChannelState c, RateWindow w, long now) {
    if (w.start == Long.MIN_VALUE || now - w.start < c.settings.rateWindow().toMillis()) {
      return;
    }
    w.lastBatchMillis = Long.MIN_VALUE;
    flushPressure(c, w, now);
    if (!w.heldBack.isEmpty()) {
      List<String> held = List.copyOf(w.heldBack);
      List<Alert> named = new ArrayList<>();
      for (String id : held) {
        Alert a = book.alert(id);
        if (a != null) {
          named.add(lean(a));
        }
      }
      Notification summary =
          new Notification(
              ids.get(),
              c.settings.name(),
              Notification.Kind.SUMMARY,
              "",
              named,
              now,
              w.heldBackRaised,
              held.size(),
              held);
      emit(new NotificationQueued(summary));
      w.heldBack.clear();
    }
    w.start = Long.MIN_VALUE;
    w.sent = 0;
    w.groupsTold.clear();
  }

  private void send(
      ChannelState c,
      Notification.Kind kind,
      List<Alert> alerts,
      long now,
      long raised,
      String groupKey) {
    RateWindow w = c.window(alerts);
    rollWindow(c, w, now);
    if (w.start == Long.MIN_VALUE) {
      w.start = now;
    }
    if (w.sent >= c.settings.rateLimit()) {
      if (kind == Notification.Kind.FIRING
          && alerts.stream().anyMatch(a -> a.severity().compareTo(Severity.CRITICAL) >= 0)) {
        // a critical problem is never left for the window's end: it goes in the next batch
        alerts.forEach(a -> w.pressure.putIfAbsent(a.id(), raised));
        flushPressure(c, w, now);
        return;
      }
      if (w.heldBack.isEmpty()) {
        w.heldBackRaised = raised;
      }
      for (Alert a : alerts) {
        suppress(a.id(), c.settings.name(), "rate-limited", now);
        w.heldBack.add(a.id());
      }
      return;
    }
    w.sent++;
    if (kind == Notification.Kind.FIRING) {
      w.groupsTold.add(groupKey);
    }
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
