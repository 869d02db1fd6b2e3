package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The caps on what one Alertmanager payload may hold (security review, M3). */
class IncomingAlertRoutesTest {

  private static IncomingAlertRoutes.IncomingAlert alert(int i, Map<String, String> labels) {
    return new IncomingAlertRoutes.IncomingAlert(
        "firing", labels, Map.of("summary", "s"), null, null, null, "fp-" + i);
  }

  private static IncomingAlertRoutes.Payload payload(List<IncomingAlertRoutes.IncomingAlert> a) {
    return new IncomingAlertRoutes.Payload("4", "g", 0, "firing", "r", null, null, null, null, a);
  }

  @Test
  void aPayloadWithinTheCapsBecomesSignalsWithOriginAlertmanager() {
    var signals =
        IncomingAlertRoutes.signals(
            payload(List.of(alert(1, Map.of("alertname", "X", "origin", "pattern")))));
    assertThat(signals)
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("origin", "alertmanager"));
  }

  @Test
  void tooManyAlertsAreRefusedNamingTheField() {
    var many =
        IntStream.range(0, IncomingAlertRoutes.MAX_ALERTS + 1)
            .mapToObj(i -> alert(i, Map.of("alertname", "X")))
            .toList();
    assertThatThrownBy(() -> IncomingAlertRoutes.signals(payload(many)))
        .isInstanceOfSatisfying(
            AlertRequests.Invalid.class, e -> assertThat(e.error.field()).isEqualTo("alerts"));
  }

  @Test
  void tooManyOrTooLongLabelsAreRefusedNamingTheField() {
    Map<String, String> wide = new HashMap<>();
    wide.put("alertname", "X");
    IntStream.range(0, IncomingAlertRoutes.MAX_LABELS).forEach(i -> wide.put("l" + i, "v"));
    assertThatThrownBy(() -> IncomingAlertRoutes.signals(payload(List.of(alert(0, wide)))))
        .isInstanceOfSatisfying(
            AlertRequests.Invalid.class,
            e -> assertThat(e.error.field()).isEqualTo("alerts[0].labels"));
    Map<String, String> longValue =
        Map.of("alertname", "X", "job", "j".repeat(IncomingAlertRoutes.MAX_VALUE + 1));
    assertThatThrownBy(() -> IncomingAlertRoutes.signals(payload(List.of(alert(0, longValue)))))
        .isInstanceOfSatisfying(
            AlertRequests.Invalid.class,
            e -> assertThat(e.error.field()).isEqualTo("alerts[0].labels.job"));
  }
}
