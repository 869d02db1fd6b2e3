package io.pipewatch.collector.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SemanticsTest {

  private static final String CONFIG =
      """
      pipewatch.collector.semantics.roles {
        shop-out { series = "shop_orders_out", role = throughput }
        override { series = "jobs_completed_total", role = errors }
      }
      """;

  private final Semantics semantics =
      Semantics.create(SemanticsSettings.create(ConfigFactory.parseString(CONFIG)));

  @Test
  void declaredWinsOverConfiguredAndConventions() {
    Sample s =
        new Sample("jobs_completed_total", Map.of(), MetricKind.COUNTER, 3, null, "arrivals", null);
    RoleMatch m = semantics.resolve(s);
    assertThat(m.role()).isEqualTo(Role.ARRIVALS);
    assertThat(m.origin()).isEqualTo(RoleMatch.Origin.DECLARED);
    assertThat(m.reason()).isEqualTo("declared by the service");
  }

  @Test
  void configuredWinsOverConventions() {
    RoleMatch m =
        semantics.resolve("jobs_completed_total", MetricKind.COUNTER, Map.of(), null, null);
    assertThat(m.role()).isEqualTo(Role.ERRORS);
    assertThat(m.reason()).contains("pipewatch.collector.semantics.roles.override");
    RoleMatch out = semantics.resolve("shop_orders_out", MetricKind.COUNTER, Map.of(), null, null);
    assertThat(out.role()).isEqualTo(Role.THROUGHPUT);
    assertThat(out.unit()).isEqualTo(Unit.PER_SECOND);
  }

  @Test
  void declaredQueueRolesPairByTheirStem() {
    RoleMatch level =
        semantics.resolve(
            new Sample("backlog_items", Map.of(), MetricKind.GAUGE, 4, null, "queue-length", null));
    RoleMatch limit =
        semantics.resolve(
            new Sample(
                "backlog_bound", Map.of(), MetricKind.GAUGE, 9, null, "queue-capacity", null));
    assertThat(level.pair()).isEqualTo("backlog").isEqualTo(limit.pair());
  }

  @Test
  void aBadRoleInConfigurationNamesItsKey() {
    assertThatThrownBy(
            () ->
                SemanticsSettings.create(
                    ConfigFactory.parseString(
                        "pipewatch.collector.semantics.roles.x { series = a, role = speed }")))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.collector.semantics.roles.x.role");
  }

  @Test
  void seriesRolesResolveOncePerSeries() {
    SeriesRoles roles = new SeriesRoles(Semantics.defaults());
    for (int batch = 0; batch < 100; batch++) {
      Sample a = Sample.counter("jobs_completed_total", Map.of("q", "a"), batch);
      Sample b = Sample.gauge("job_queue_length", Map.of("q", "a"), batch);
      assertThat(roles.of(0, a).role()).isEqualTo(Role.THROUGHPUT);
      assertThat(roles.of(1, b).role()).isEqualTo(Role.QUEUE_LENGTH);
    }
    assertThat(roles.resolutions()).isEqualTo(2);
    assertThat(roles.of(0, Sample.gauge("job_queue_length", Map.of("q", "a"), 1)).role())
        .isEqualTo(Role.QUEUE_LENGTH);
    assertThat(roles.resolutions()).isEqualTo(3);
  }
}
