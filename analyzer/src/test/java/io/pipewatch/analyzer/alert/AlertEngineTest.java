package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationQueued;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSuppressed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The router's logic driven synchronously with a manual clock (no actor, no sleeping). */
class AlertEngineTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long SECOND = 1000;
  private static final long MINUTE = 60 * SECOND;

  /** Two channels: log (defaults) and a webhook (defaults), plus overrides. */
  static AlertSettings settings(String overrides) {
    return AlertSettings.create(
        ConfigFactory.parseString(
                "pipewatch.alerts.channels.dashboard.enabled = false\n"
                    + "pipewatch.alerts.channel-defaults.group-wait = 5s\n"
                    + "pipewatch.alerts.channels.webhook.url = \"http://127.0.0.1:9/hook\"\n"
                    + overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private final List<AlertEvent> events = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private AlertEngine engine(AlertSettings settings) {
    return new AlertEngine(settings, new AlertBook(), () -> "id-" + ids.incrementAndGet());
  }

  static AlertSignal signal(String source, String kind, Severity severity, boolean firing) {
    return new AlertSignal(
        "bottleneck/" + source + "/" + kind + "/rule",
        firing,
        severity,
        kind + " bottleneck on " + source,
        "test",
        Map.of(
            "alertname",
            kind + "-bottleneck",
            "source",
            source,
            "kind",
            kind,
            "origin",
            "bottleneck"),
        List.of("evidence"),
        List.of(source),
        null);
  }

  private List<Notification> queued(String channel) {
    return events.stream()
        .filter(e -> e instanceof NotificationQueued)
        .map(e -> ((NotificationQueued) e).notification())
        .filter(n -> n.channel().equals(channel))
        .toList();
  }

  private List<NotificationSuppressed> suppressed(String channel) {
    return events.stream()
        .filter(e -> e instanceof NotificationSuppressed)
        .map(e -> (NotificationSuppressed) e)
        .filter(s -> s.channel().equals(channel))
        .toList();
  }

  @Test
  void repeatsOfAFingerprintUpdateOneAlert() {
    AlertEngine engine = engine(settings(""));
    for (int i = 0; i < 5; i++) {
      events.addAll(
          engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0 + i * SECOND));
    }

    assertThat(engine.book().alerts()).hasSize(1);
    Alert alert = engine.book().alerts().iterator().next();
    assertThat(alert.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(alert.updatedMillis()).isEqualTo(T0 + 4 * SECOND);
    assertThat(alert.labels()).containsEntry("severity", "critical");
    assertThat(queued("webhook")).hasSize(1);
    assertThat(queued("log")).hasSize(1);
  }

  @Test
  void criticalGoesOutAtOnceAndWarningsWaitForTheirGroup() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(signal("a", "cpu", Severity.CRITICAL, true), T0));
    assertThat(queued("webhook")).hasSize(1);
    assertThat(queued("webhook").get(0).createdMillis()).isEqualTo(T0);

    events.addAll(engine.onSignal(signal("b", "cpu", Severity.WARNING, true), T0));
    events.addAll(engine.onSignal(signal("b", "memory", Severity.WARNING, true), T0 + SECOND));
    events.addAll(engine.onTick(T0 + 4 * SECOND));
    assertThat(queued("webhook")).hasSize(1); // group wait is 5 s

    events.addAll(engine.onTick(T0 + 5 * SECOND));
    List<Notification> sent = queued("webhook");
    assertThat(sent).hasSize(2);
    Notification group = sent.get(1);
    assertThat(group.alerts())
        .extracting(Alert::title)
        .containsExactly("cpu bottleneck on b", "memory bottleneck on b");
    assertThat(group.raisedMillis()).isEqualTo(T0);
    assertThat(group.groupKey()).isEqualTo("source=b,");
  }

  @Test
  void aWarningThatClearsWithinTheGroupWaitIsNeverSent() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(signal("b", "cpu", Severity.WARNING, true), T0));
    events.addAll(engine.onSignal(signal("b", "cpu", Severity.WARNING, false), T0 + SECOND));
    events.addAll(engine.onTick(T0 + 10 * SECOND));

    assertThat(queued("webhook")).isEmpty();
    assertThat(engine.book().alerts().iterator().next().status()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void flappingNotifiesAtMostOncePerCooldownAndItsResolutionOnce() {
    AlertEngine engine = engine(settings("pipewatch.alerts.cooldown = 5m"));
    // 20 open/resolve cycles within 5 minutes: one every 15 s, open for 5 s
    for (int i = 0; i < 20; i++) {
      long open = T0 + i * 15 * SECOND;
      events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), open));
      events.addAll(engine.onTick(open + SECOND));
      events.addAll(
          engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, false), open + 5 * SECOND));
      events.addAll(engine.onTick(open + 6 * SECOND));
    }

    List<Notification> webhook = queued("webhook");
    assertThat(webhook)
        .extracting(Notification::kind)
        .containsExactly(Notification.Kind.FIRING, Notification.Kind.RESOLVED);
    assertThat(engine.book().alerts()).hasSize(1); // re-opened within the cooldown
    Alert alert = engine.book().alerts().iterator().next();
    assertThat(alert.history()).hasSize(40);
    assertThat(suppressed("webhook"))
        .hasSize(19)
        .allSatisfy(s -> assertThat(s.reason()).startsWith("cooldown until "));

    // after the cooldown, a new firing notifies again
    long later = T0 + 20 * 15 * SECOND + 5 * MINUTE;
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), later));
    assertThat(queued("webhook")).hasSize(3);
  }

  @Test
  void aSeverityRiseNotifiesDespiteTheCooldown() {
    AlertEngine engine =
        engine(settings("pipewatch.alerts.channel-defaults.immediate-severity = warning"));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.WARNING, true), T0));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.WARNING, true), T0 + SECOND));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0 + 2 * SECOND));

    assertThat(queued("webhook"))
        .extracting(n -> n.alerts().get(0).severity())
        .containsExactly(Severity.WARNING, Severity.CRITICAL);
  }

  @Test
  void thirtyAlertsInAMinuteGiveTenNotificationsAndOneSummaryAndAllAreKept() {
    AlertEngine engine =
        engine(settings("pipewatch.alerts.channel-defaults.immediate-severity = warning"));
    for (int i = 0; i < 30; i++) {
      long at = T0 + i * 2 * SECOND;
      events.addAll(engine.onSignal(signal("svc-" + i, "cpu", Severity.WARNING, true), at));
      events.addAll(engine.onTick(at + 100));
    }
    assertThat(queued("webhook")).hasSize(10);
    assertThat(suppressed("webhook"))
        .hasSize(20)
        .allSatisfy(s -> assertThat(s.reason()).isEqualTo("rate-limited"));

    events.addAll(engine.onTick(T0 + MINUTE));
    List<Notification> webhook = queued("webhook");
    assertThat(webhook).hasSize(11);
    Notification summary = webhook.get(10);
    assertThat(summary.kind()).isEqualTo(Notification.Kind.SUMMARY);
    assertThat(summary.suppressedCount()).isEqualTo(20);
    assertThat(summary.subject()).startsWith("20 more alerts");
    // the summary names what it carries: each held alert, by title
    assertThat(summary.alerts())
        .extracting(Alert::title)
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(10, 30)
                .mapToObj(i -> "cpu bottleneck on svc-" + i)
                .toList());
    assertThat(summary.subject()).contains("cpu bottleneck on svc-10", "cpu bottleneck on svc-29");

    AlertQuery.Page all = engine.query(new AlertQuery(null, null, null, 0, 0, 100));
    assertThat(all.total()).isEqualTo(30);
    assertThat(all.alerts()).allSatisfy(a -> assertThat(a.status()).isEqualTo(AlertStatus.FIRING));
    assertThat(engine.figures(true).suppressedByChannelAndReason())
        .containsEntry("webhook|rate-limited", 20L);
  }

  @Test
  void aSilenceSuppressesExactlyWhatItMatches() {
    AlertEngine engine = engine(settings(""));
    engine.addSilence(
        new Silence(
            "s1",
            List.of(Matcher.eq("source", "db"), Matcher.parse("kind=~cpu|memory")),
            T0,
            T0 + 10 * MINUTE,
            "ops",
            "maintenance",
            null),
        T0);
    events.addAll(engine.onSignal(signal("db", "cpu", Severity.CRITICAL, true), T0 + SECOND));
    events.addAll(engine.onSignal(signal("db", "memory", Severity.CRITICAL, true), T0 + SECOND));
    events.addAll(engine.onSignal(signal("db", "io", Severity.CRITICAL, true), T0 + SECOND));
    events.addAll(engine.onSignal(signal("web", "cpu", Severity.CRITICAL, true), T0 + SECOND));

    assertThat(queued("webhook"))
        .extracting(n -> n.alerts().get(0).title())
        .containsExactly("io bottleneck on db", "cpu bottleneck on web");
    assertThat(engine.book().alerts())
        .filteredOn(a -> a.status() == AlertStatus.SILENCED)
        .extracting(Alert::title)
        .containsExactlyInAnyOrder("cpu bottleneck on db", "memory bottleneck on db");
    assertThat(suppressed("webhook"))
        .extracting(NotificationSuppressed::reason)
        .containsOnly("silenced by s1")
        .hasSize(2);

    // the silence deleted: what it held fires and is notified
    engine.deleteSilence("s1", T0 + 2 * SECOND);
    events.addAll(engine.drain());
    assertThat(queued("webhook")).hasSize(4);
    assertThat(engine.book().alerts())
        .allSatisfy(a -> assertThat(a.status()).isEqualTo(AlertStatus.FIRING));
  }

  @Test
  void aRecurringWindowSilencesOnlyInsideIt() {
    AlertEngine engine = engine(settings(""));
    java.time.ZonedDateTime base =
        java.time.Instant.ofEpochMilli(T0).atZone(java.time.ZoneOffset.UTC);
    java.time.LocalTime from = base.toLocalTime().plusMinutes(10).withSecond(0).withNano(0);
    engine.addSilence(
        new Silence(
            "nightly",
            List.of(Matcher.eq("source", "db")),
            T0,
            T0 + 24 * 60 * MINUTE,
            "ops",
            "backup window",
            new Silence.Window(java.util.Set.of(), from, 30)),
        T0);
    events.addAll(engine.onSignal(signal("db", "cpu", Severity.CRITICAL, true), T0));
    assertThat(queued("webhook")).hasSize(1); // before the window

    long inside = base.with(from).plusMinutes(5).toInstant().toEpochMilli();
    events.addAll(engine.onSignal(signal("db", "io", Severity.CRITICAL, true), inside));
    assertThat(queued("webhook")).hasSize(1);
    assertThat(engine.book().latest("bottleneck/db/io/rule").status())
        .isEqualTo(AlertStatus.SILENCED);
  }

  @Test
  void aCascadeInhibitsTheStageAlertsItExplainsAndNothingElse() {
    AlertEngine engine = engine(settings(""));
    AlertSignal cascade =
        new AlertSignal(
            "pattern/cascading-failure/parse",
            true,
            Severity.CRITICAL,
            "cascading-failure across parse, embed",
            "cascade",
            Map.of(
                "alertname", "cascading-failure",
                "source", "parse",
                "origin", "pattern"),
            List.of(),
            List.of("parse", "embed"),
            null);
    events.addAll(engine.onSignal(cascade, T0));
    events.addAll(engine.onSignal(signal("embed", "queue", Severity.CRITICAL, true), T0 + SECOND));
    events.addAll(
        engine.onSignal(signal("parse", "throughput", Severity.CRITICAL, true), T0 + SECOND));
    events.addAll(engine.onSignal(signal("index", "io", Severity.CRITICAL, true), T0 + SECOND));

    assertThat(queued("webhook"))
        .extracting(n -> n.alerts().get(0).title())
        .containsExactly("cascading-failure across parse, embed", "io bottleneck on index");
    assertThat(suppressed("webhook"))
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.reason()).startsWith("inhibited by id-1"));
  }

  @Test
  void routesByMinimumSeverityAndLabels() {
    AlertEngine engine =
        engine(
            settings(
                "pipewatch.alerts.channels.webhook { min-severity = critical, route = [\"source=~docpipe.*\"] }"));
    events.addAll(engine.onSignal(signal("docpipe-embed", "cpu", Severity.CRITICAL, true), T0));
    events.addAll(engine.onSignal(signal("other", "cpu", Severity.CRITICAL, true), T0));
    events.addAll(engine.onSignal(signal("docpipe-parse", "cpu", Severity.WARNING, true), T0));
    events.addAll(engine.onTick(T0 + MINUTE));

    assertThat(queued("webhook"))
        .extracting(n -> n.alerts().get(0).source())
        .containsExactly("docpipe-embed");
    assertThat(queued("log")).hasSize(3);
  }

  @Test
  void acknowledgeAndResolveFollowTheLifecycle() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0));
    String id = engine.book().alerts().iterator().next().id();

    AlertEngine.Outcome acked = engine.acknowledge(id, "ana", "on it", T0 + SECOND);
    assertThat(acked.refusal()).isNull();
    assertThat(acked.alert().status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
    assertThat(acked.alert().acknowledgement())
        .isEqualTo(new Alert.Acknowledgement("ana", "on it", T0 + SECOND));

    // repeats of an acknowledged alert do not notify
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0 + 2 * SECOND));
    assertThat(queued("webhook")).hasSize(1);
    assertThat(engine.book().alert(id).status()).isEqualTo(AlertStatus.ACKNOWLEDGED);

    AlertEngine.Outcome resolved = engine.resolve(id, "ana", "fixed", T0 + 3 * SECOND);
    events.addAll(engine.drain());
    assertThat(resolved.alert().status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.alert().endsMillis()).isEqualTo(T0 + 3 * SECOND);
    assertThat(queued("webhook"))
        .extracting(Notification::kind)
        .containsExactly(Notification.Kind.FIRING, Notification.Kind.RESOLVED);
    assertThat(resolved.alert().history())
        .extracting(Alert.Transition::status)
        .containsExactly(AlertStatus.FIRING, AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED);

    assertThat(engine.resolve(id, "ana", null, T0 + 4 * SECOND).refusal())
        .isEqualTo(AlertEngine.Refusal.CONFLICT);
    assertThat(engine.acknowledge("nope", "ana", null, T0).refusal())
        .isEqualTo(AlertEngine.Refusal.NOT_FOUND);
  }

  @Test
  void settlementsAreLoggedAndCounted() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0));
    Notification n = queued("webhook").get(0);
    assertThat(engine.book().outbox()).hasSize(2);

    engine.settled(n, true, "HTTP 200", T0 + 40, 40);
    assertThat(engine.book().queued(n.id())).isFalse();
    Alert alert = engine.book().alerts().iterator().next();
    assertThat(alert.notifications())
        .extracting(Alert.LogEntry::channel, Alert.LogEntry::outcome, Alert.LogEntry::detail)
        .contains(
            org.assertj.core.groups.Tuple.tuple("webhook", "queued", null),
            org.assertj.core.groups.Tuple.tuple("webhook", "sent", "HTTP 200"));
    AlertFigures f = engine.figures(true);
    assertThat(f.sentByChannel()).containsEntry("webhook", 1L);
    assertThat(f.firingBySeverity()).containsEntry("critical", 1L);
    assertThat(f.latencyCount()).isEqualTo(1);
    assertThat(f.latencyCumulativeCounts().get(AlertEngine.LATENCY_BUCKETS.indexOf(0.05)))
        .isEqualTo(1);
  }

  @Test
  void theBookFoldedFromTheEventsEqualsTheEnginesBook() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0));
    events.addAll(engine.onSignal(signal("svc", "io", Severity.WARNING, true), T0));
    events.addAll(engine.onTick(T0 + 6 * SECOND));
    engine.acknowledge(
        engine.book().latest("bottleneck/svc/cpu/rule").id(), "ana", null, T0 + 7 * SECOND);
    events.addAll(engine.drain());

    AlertBook replayed = new AlertBook();
    events.forEach(replayed::apply);
    // applying everything twice changes nothing (the journal may be written twice after an outage)
    events.forEach(replayed::apply);
    assertThat(replayed.snapshot()).isEqualTo(engine.book().snapshot());
  }
}
