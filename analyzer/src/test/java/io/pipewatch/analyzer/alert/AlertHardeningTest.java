package io.pipewatch.analyzer.alert;

import static io.pipewatch.analyzer.alert.AlertEngineTest.settings;
import static io.pipewatch.analyzer.alert.AlertEngineTest.signal;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationQueued;
import io.pipewatch.analyzer.alert.AlertEvent.NotificationSuppressed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Findings of the security review on the router's logic: an alert from outside cannot inhibit
 * Pipewatch's own alerts by taking a pattern's name (M1), and alerts from outside cannot grow the
 * router's state without bound (M3).
 */
class AlertHardeningTest {
  private static final long T0 = 1_790_000_000_000L;

  private final List<AlertEvent> events = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private AlertEngine engine(AlertSettings settings) {
    return new AlertEngine(settings, new AlertBook(), () -> "id-" + ids.incrementAndGet());
  }

  private static AlertSignal cascade(String origin, String source) {
    return new AlertSignal(
        origin + "/cascade",
        true,
        Severity.CRITICAL,
        "cascading failure",
        "",
        Map.of("alertname", "cascading-failure", "source", source, "origin", origin),
        List.of(),
        List.of(source),
        null);
  }

  private long webhookFor(String source) {
    return events.stream()
        .filter(
            e -> e instanceof NotificationQueued q && q.notification().channel().equals("webhook"))
        .map(e -> ((NotificationQueued) e).notification())
        .filter(n -> n.alerts().stream().anyMatch(a -> a.source().equals(source)))
        .count();
  }

  @Test
  void anAlertFromOutsideNamedCascadingFailureInhibitsNothing() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(cascade("alertmanager", "svc"), T0));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0 + 10));
    assertThat(webhookFor("svc")).isEqualTo(2); // the posted alert and the bottleneck
    assertThat(events).noneMatch(e -> e instanceof NotificationSuppressed);
  }

  @Test
  void pipewatchsOwnCascadeStillExplainsTheStagesItSpans() {
    AlertEngine engine = engine(settings(""));
    events.addAll(engine.onSignal(cascade("pattern", "svc"), T0));
    events.addAll(engine.onSignal(signal("svc", "cpu", Severity.CRITICAL, true), T0 + 10));
    assertThat(events)
        .filteredOn(e -> e instanceof NotificationSuppressed)
        .extracting(e -> ((NotificationSuppressed) e).reason())
        .allSatisfy(r -> assertThat(r).startsWith("inhibited by"))
        .isNotEmpty();
  }

  @Test
  void alertsFromOutsideAreAdmittedUpToTheActiveLimit() {
    AlertEngine engine = engine(settings("pipewatch.alerts.retention.max-active-incoming = 3"));
    List<AlertSignal> distinct =
        IntStream.range(0, 3)
            .mapToObj(
                i ->
                    new AlertSignal(
                        "alertmanager/" + i,
                        true,
                        Severity.WARNING,
                        "t",
                        "",
                        Map.of("alertname", "x", "source", "s" + i, "origin", "alertmanager"),
                        List.of(),
                        List.of("s" + i),
                        null))
            .toList();
    assertThat(engine.admit(distinct)).isNull();
    distinct.forEach(s -> engine.onSignal(s, T0));
    // repeats of active ones are fine; one more is not
    assertThat(engine.admit(distinct)).isNull();
    AlertSignal fourth =
        new AlertSignal(
            "alertmanager/4",
            true,
            Severity.WARNING,
            "t",
            "",
            Map.of("alertname", "x", "source", "s4", "origin", "alertmanager"),
            List.of(),
            List.of("s4"),
            null);
    assertThat(engine.admit(List.of(fourth)))
        .contains("3 alerts from outside are active")
        .contains("max-active-incoming");
    // a resolve frees a place
    engine.onSignal(
        new AlertSignal(
            "alertmanager/0",
            false,
            Severity.WARNING,
            "t",
            "",
            Map.of("alertname", "x", "source", "s0", "origin", "alertmanager"),
            List.of(),
            List.of("s0"),
            null),
        T0 + 1);
    assertThat(engine.admit(List.of(fourth))).isNull();
  }
}
