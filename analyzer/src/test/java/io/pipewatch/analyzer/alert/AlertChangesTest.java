package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.analyzer.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which recorded alert is a lifecycle step worth announcing, and which is bookkeeping. */
class AlertChangesTest {

  private static Alert fresh() {
    return new Alert(
        "a-1",
        "svc/cpu/rule",
        Severity.WARNING,
        "CPU high on svc",
        "cpu at 91%",
        Map.of("source", "svc"),
        List.of("cpu 0.91"),
        List.of("svc"),
        1000,
        0,
        1000,
        AlertStatus.FIRING,
        List.of(new Alert.Transition(AlertStatus.FIRING, 1000, "analyzer", null)),
        null,
        List.of(),
        0,
        false,
        1);
  }

  private static AlertChange.Step step(AlertChanges changes, Alert alert) {
    AlertChange c = changes.on(new AlertEvent.AlertRecorded(alert));
    return c == null ? null : c.step();
  }

  @Test
  void eachStatusChangeIsItsStepAndBookkeepingIsNone() {
    AlertChanges changes = new AlertChanges();
    Alert a = fresh();
    assertThat(step(changes, a)).isEqualTo(AlertChange.Step.FIRED);

    Alert notified =
        a.withNotified(1100, true)
            .withLog(new Alert.LogEntry("webhook", "n-1", 1100, "sent", "200"), 50);
    assertThat(step(changes, notified)).isNull();

    Alert worse =
        notified.withContent(
            Severity.CRITICAL,
            a.title(),
            a.description(),
            a.labels(),
            List.of("cpu 0.99"),
            a.sources(),
            1200);
    assertThat(step(changes, worse)).isEqualTo(AlertChange.Step.UPDATED);

    Alert acked = worse.withStatus(AlertStatus.ACKNOWLEDGED, 1300, "ana", "mine");
    AlertChange ack = changes.on(new AlertEvent.AlertRecorded(acked));
    assertThat(ack.step()).isEqualTo(AlertChange.Step.ACKNOWLEDGED);
    assertThat(ack.alert()).isSameAs(acked);
    // the same copy written again after a journal outage is not a second step
    assertThat(step(changes, acked)).isNull();

    Alert resolved = acked.withStatus(AlertStatus.RESOLVED, 1400, "ana", "fixed");
    assertThat(step(changes, resolved)).isEqualTo(AlertChange.Step.RESOLVED);
    Alert again = resolved.withStatus(AlertStatus.FIRING, 1500, "analyzer", null);
    assertThat(step(changes, again)).isEqualTo(AlertChange.Step.FIRED);
    Alert silenced = again.withStatus(AlertStatus.SILENCED, 1600, "silence s-1", null);
    assertThat(step(changes, silenced)).isEqualTo(AlertChange.Step.UPDATED);
  }

  @Test
  void rememberedAlertsAreNotAnnouncedAndForgottenOnesAreNewAgain() {
    AlertChanges changes = new AlertChanges();
    Alert a = fresh();
    changes.remember(a);
    assertThat(step(changes, a.withNotified(1100, false))).isNull();

    assertThat(changes.on(new AlertEvent.AlertsForgotten(List.of("a-1")))).isNull();
    assertThat(step(changes, a)).isEqualTo(AlertChange.Step.FIRED);
    assertThat(AlertChange.Step.ACKNOWLEDGED.id()).isEqualTo("acknowledged");
  }
}
