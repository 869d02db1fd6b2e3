package io.pipewatch.analyzer.alert;

import static io.pipewatch.analyzer.alert.AlertEngineTest.settings;
import static io.pipewatch.analyzer.alert.AlertEngineTest.signal;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertEngine.HeldCause;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationQueued;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSuppressed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The promises of issue "alerts you can trust", on the router's logic with a manual clock: the real
 * fault always gets through (priority over a storm, the demo in its own lane), no alert outlives
 * its cause (leases), and acknowledging is not muting.
 */
class AlertTruthTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long SECOND = 1000;
  private static final long MINUTE = 60 * SECOND;

  /** The lease and cooldown these tests reason with (not the defaults, which may move). */
  private static final String TIMES =
      "pipewatch.alerts.lease.duration = 20s\npipewatch.alerts.cooldown = 1m\n";

  private final List<AlertEvent> events = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private AlertEngine engine(AlertSettings settings) {
    return new AlertEngine(settings, new AlertBook(), () -> "id-" + ids.incrementAndGet());
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

  private static Alert only(AlertEngine engine, String source) {
    return engine.book().alerts().stream()
        .filter(a -> a.source().equals(source))
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  @Test
  void aNewCriticalSourceGetsThroughAStormAndTheStormArrivesGroupedWithinTheLimit() {
    AlertEngine engine =
        engine(settings(TIMES + "pipewatch.alerts.channel-defaults.group-wait = 1s"));
    // 200 alerts from 50 sources in 10 s: four kinds per source, warnings and criticals mixed
    String[] kinds = {"cpu", "memory", "io", "queue"};
    int n = 0;
    for (int source = 0; source < 50; source++) {
      for (String kind : kinds) {
        long at = T0 + n * 50L;
        Severity severity = n % 5 == 0 ? Severity.CRITICAL : Severity.WARNING;
        events.addAll(engine.onSignal(signal("storm-" + source, kind, severity, true), at));
        events.addAll(engine.onTick(at + 1));
        n++;
      }
    }
    long faultAt = T0 + 10 * SECOND;
    events.addAll(engine.onSignal(signal("host/db-1", "cpu", Severity.CRITICAL, true), faultAt));
    for (long t = faultAt; t <= faultAt + 2 * MINUTE; t += 100) {
      events.addAll(engine.onTick(t));
    }
    List<Notification> forHost =
        queued("webhook").stream()
            .filter(x -> x.kind() == Notification.Kind.FIRING)
            .filter(x -> x.alerts().stream().anyMatch(a -> a.source().equals("host/db-1")))
            .toList();
    assertThat(forHost).hasSize(1);
    assertThat(forHost.get(0).createdMillis()).isBetween(faultAt, faultAt + 1100);
    List<Notification> webhook = queued("webhook");
    // within the limit: in the first window, 10 regular notifications, the critical ones in
    // batches at least a second apart (the storm lasts 10 s), and no more
    long firstWindow = webhook.stream().filter(x -> x.createdMillis() < T0 + MINUTE).count();
    assertThat(firstWindow).isLessThanOrEqualTo(21);
    // none lost: every alert is in some notification or its log says why it was not sent
    Set<String> told = new HashSet<>();
    webhook.forEach(x -> told.addAll(x.alertIds()));
    Set<String> held = new HashSet<>();
    suppressed("webhook").forEach(s -> held.add(s.alertId()));
    assertThat(engine.book().alerts())
        .hasSize(201)
        .allSatisfy(a -> assertThat(told.contains(a.id()) || held.contains(a.id())).isTrue());
    // and what the rate limit held back went out, by name, in a summary
    List<String> rateLimited =
        suppressed("webhook").stream()
            .filter(x -> x.reason().equals("rate-limited"))
            .map(NotificationSuppressed::alertId)
            .toList();
    assertThat(rateLimited).isNotEmpty();
    assertThat(webhook)
        .filteredOn(x -> x.kind() == Notification.Kind.SUMMARY)
        .flatExtracting(Notification::alertIds)
        .containsAll(rateLimited);
  }

  @Test
  void theDemoSpeaksOnlyThroughTheDashboardAndTheLogAndNeverUsesARealBudget() {
    AlertSettings settings =
        settings("pipewatch.alerts.channels.dashboard.enabled = true")
            .withDemoSources(Set.of("docpipe", "docpipe-embed", "docpipe-parse"));
    AlertEngine engine = engine(settings);
    for (int i = 0; i < 30; i++) {
      String stage = i % 2 == 0 ? "docpipe-embed" : "docpipe-parse";
      events.addAll(
          engine.onSignal(signal(stage, "kind" + i, Severity.CRITICAL, true), T0 + i * 100L));
    }
    assertThat(queued("webhook")).isEmpty();
    // the log's own limit in the demo's window: 10, then the critical ones in batches of a second
    assertThat(queued("log")).hasSize(12);
    assertThat(queued("dashboard")).hasSize(30);
    assertThat(only(engine, "docpipe-embed").labels()).containsEntry("demo", "true");

    // ten real alerts fill the webhook's regular budget on their own, not with the demo's help
    for (int i = 0; i < 10; i++) {
      events.addAll(
          engine.onSignal(signal("svc-" + i, "cpu", Severity.CRITICAL, true), T0 + 4 * SECOND + i));
    }
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0 + 5 * SECOND));
    assertThat(queued("webhook")).hasSize(11);
    assertThat(only(engine, "host/h").labels()).doesNotContainKey("demo");
  }

  @Test
  void theDemoGoesFurtherWhenAChannelIsConfiguredToTakeIt() {
    AlertSettings settings =
        settings("pipewatch.alerts.channels.webhook.demo = true")
            .withDemoSources(Set.of("docpipe-embed"));
    AlertEngine engine = engine(settings);
    events.addAll(engine.onSignal(signal("docpipe-embed", "cpu", Severity.CRITICAL, true), T0));
    assertThat(queued("webhook")).hasSize(1);
  }

  @Test
  void anAlertWhoseCauseNoBoardHoldsResolvesWhenItsLeaseEnds() {
    AlertEngine engine = engine(settings(TIMES));
    events.addAll(engine.onSignal(signal("svc", "io", Severity.CRITICAL, true), T0));
    // boards hold it for a while: confirmed
    events.addAll(
        engine.reconcile(
            List.of(held("svc", "io", Severity.CRITICAL, T0)), true, T0 + 10 * SECOND));
    assertThat(engine.withLease(only(engine, "svc")).lease())
        .isEqualTo(new Alert.Lease(T0 + 10 * SECOND, T0 + 30 * SECOND));
    // then no board holds it (a restart lost the analyzer's resolve): it stays until the lease ends
    events.addAll(engine.reconcile(List.of(), true, T0 + 29 * SECOND));
    assertThat(only(engine, "svc").status()).isEqualTo(AlertStatus.FIRING);
    // an incomplete round (a board did not answer) never resolves anything
    events.addAll(engine.reconcile(List.of(), false, T0 + 40 * SECOND));
    assertThat(only(engine, "svc").status()).isEqualTo(AlertStatus.FIRING);
    events.addAll(engine.reconcile(List.of(), true, T0 + 41 * SECOND));
    Alert resolved = only(engine, "svc");
    assertThat(resolved.status()).isEqualTo(AlertStatus.RESOLVED);
    Alert.Transition last = resolved.history().get(resolved.history().size() - 1);
    assertThat(last.by()).isEqualTo("lease");
    assertThat(last.note()).startsWith("cause not seen since ");
    assertThat(queued("webhook"))
        .extracting(Notification::kind)
        .containsExactly(Notification.Kind.FIRING, Notification.Kind.RESOLVED);
  }

  @Test
  void alertsRecoveredAfterARestartStartTheirLeaseWhenTheRouterFirstLooks() {
    AlertEngine before = engine(settings(TIMES));
    events.addAll(before.onSignal(signal("svc", "io", Severity.CRITICAL, true), T0));
    // a new engine over the same book: the router restarted an hour later
    AlertEngine after =
        new AlertEngine(settings(TIMES), before.book(), () -> "id-" + ids.incrementAndGet());
    long restart = T0 + 60 * MINUTE;
    events.addAll(after.reconcile(List.of(), true, restart));
    assertThat(only(after, "svc").status()).isEqualTo(AlertStatus.FIRING);
    events.addAll(after.reconcile(List.of(), true, restart + 21 * SECOND));
    assertThat(only(after, "svc").status()).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void aCauseStillPresentAfterARestartKeepsItsAlertFiringWithoutANewNotification() {
    AlertEngine before = engine(settings(TIMES));
    events.addAll(before.onSignal(signal("svc", "io", Severity.CRITICAL, true), T0));
    AlertEngine after =
        new AlertEngine(settings(TIMES), before.book(), () -> "id-" + ids.incrementAndGet());
    long restart = T0 + 10 * MINUTE;
    for (long t = restart; t < restart + MINUTE; t += 2 * SECOND) {
      events.addAll(after.reconcile(List.of(held("svc", "io", Severity.CRITICAL, t)), true, t));
      events.addAll(after.onSignal(signal("svc", "io", Severity.CRITICAL, true), t));
    }
    assertThat(after.book().alerts()).hasSize(1);
    assertThat(only(after, "svc").status()).isEqualTo(AlertStatus.FIRING);
    assertThat(queued("webhook")).hasSize(1);
  }

  @Test
  void aCauseABoardHoldsWithoutAnAlertOpensOneButAnOperatorsCloseSticks() {
    AlertEngine engine = engine(settings(TIMES));
    events.addAll(
        engine.reconcile(List.of(held("svc", "memory", Severity.CRITICAL, T0)), true, T0 + 1));
    Alert opened = only(engine, "svc");
    assertThat(opened.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(queued("webhook")).hasSize(1);

    assertThat(engine.resolve(opened.id(), "ana", "known, fixing", T0 + SECOND).refusal()).isNull();
    events.addAll(engine.drain());
    events.addAll(
        engine.reconcile(
            List.of(held("svc", "memory", Severity.CRITICAL, T0)), true, T0 + 3 * SECOND));
    assertThat(only(engine, "svc").status()).isEqualTo(AlertStatus.RESOLVED);
    // a new occurrence (opened after the close) opens it again
    events.addAll(
        engine.reconcile(
            List.of(held("svc", "memory", Severity.CRITICAL, T0 + 2 * MINUTE)),
            true,
            T0 + 2 * MINUTE + 1));
    assertThat(only(engine, "svc").status()).isEqualTo(AlertStatus.FIRING);
  }

  @Test
  void anAcknowledgedAlertResolvesWhenItsCauseClearsAndTheNextOccurrenceIsNotified() {
    AlertEngine engine = engine(settings(TIMES));
    events.addAll(engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0));
    Alert alert = only(engine, "host/h");
    engine.acknowledge(alert.id(), "ana", "looking", T0 + SECOND);
    events.addAll(engine.drain());
    // repeats while acknowledged stay quiet
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0 + 5 * SECOND));
    assertThat(queued("webhook")).hasSize(1);
    // the cause clears: the acknowledged alert resolves
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, false), T0 + 10 * SECOND));
    assertThat(only(engine, "host/h").status()).isEqualTo(AlertStatus.RESOLVED);
    // it happens again after the cooldown: notified at once
    long again = T0 + 2 * MINUTE;
    events.addAll(engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), again));
    List<Notification> firings =
        queued("webhook").stream().filter(n -> n.kind() == Notification.Kind.FIRING).toList();
    assertThat(firings).hasSize(2);
    assertThat(firings.get(1).createdMillis()).isEqualTo(again);
    assertThat(only(engine, "host/h").status()).isEqualTo(AlertStatus.FIRING);
  }

  @Test
  void anOccurrenceWithinTheCooldownIsNotifiedWhenTheCooldownEndsNotDropped() {
    AlertEngine engine = engine(settings(TIMES));
    events.addAll(engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0));
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, false), T0 + 5 * SECOND));
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0 + 20 * SECOND));
    assertThat(suppressed("webhook"))
        .extracting(NotificationSuppressed::reason)
        .hasSize(1)
        .allSatisfy(r -> assertThat(r).startsWith("cooldown until "));
    for (long t = T0 + 20 * SECOND; t <= T0 + MINUTE + SECOND; t += 100) {
      events.addAll(engine.onTick(t));
    }
    List<Notification> firings =
        queued("webhook").stream().filter(n -> n.kind() == Notification.Kind.FIRING).toList();
    assertThat(firings).hasSize(2);
    assertThat(firings.get(1).createdMillis()).isBetween(T0 + MINUTE, T0 + MINUTE + 100);
  }

  @Test
  void anAcknowledgedAlertThatGetsWorseIsNotifiedAgain() {
    AlertEngine engine = engine(settings(TIMES));
    events.addAll(engine.onSignal(signal("host/h", "cpu", Severity.CRITICAL, true), T0));
    engine.acknowledge(only(engine, "host/h").id(), "ana", "looking", T0 + SECOND);
    events.addAll(engine.drain());
    events.addAll(
        engine.onSignal(signal("host/h", "cpu", Severity.EMERGENCY, true), T0 + 2 * SECOND));
    assertThat(queued("webhook"))
        .extracting(n -> n.alerts().get(0).severity())
        .containsExactly(Severity.CRITICAL, Severity.EMERGENCY);
    assertThat(only(engine, "host/h").status()).isEqualTo(AlertStatus.ACKNOWLEDGED);
  }

  private static HeldCause held(String source, String kind, Severity severity, long opened) {
    return new HeldCause(signal(source, kind, severity, true), opened);
  }
}
