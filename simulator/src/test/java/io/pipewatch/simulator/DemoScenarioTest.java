package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoScenarioTest {

  @Test
  void injectsTheScriptOneFaultAfterTheOtherWithRecoveryInBetween() {
    SimulatorSettings settings =
        Sims.settings(
            "demo { enabled = true, first-fault-after = 10s, fault-every = 30s, fault-duration = 20s,"
                + " script = [\"cpu-saturation:embed\", \"db-contention:index\"] }");
    Recording recording = new Recording();
    try (PipelineSimulator sim = PipelineSimulator.create(settings, recording, 0)) {
      sim.runFor(Duration.ofSeconds(9));
      assertThat(sim.groundTruth()).isEmpty();
      sim.runFor(Duration.ofSeconds(6)); // t = 15 s
      assertThat(sim.activeFaults())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.kind()).isEqualTo(FaultKind.CPU_SATURATION);
                assertThat(f.stage()).isEqualTo(Stage.EMBED);
                assertThat(f.startMillis()).isEqualTo(10_000);
                assertThat(f.endMillis()).isEqualTo(30_000);
              });
      sim.runFor(Duration.ofSeconds(20)); // t = 35 s: recovered, next one not yet
      assertThat(sim.activeFaults()).isEmpty();
      sim.runFor(Duration.ofSeconds(10)); // t = 45 s
      assertThat(sim.activeFaults())
          .extracting(GroundTruth::kind)
          .containsExactly(FaultKind.DB_CONTENTION);
      sim.runFor(Duration.ofSeconds(30)); // t = 75 s: the script cycles
      List<GroundTruth> all = sim.groundTruth();
      assertThat(all)
          .extracting(GroundTruth::kind)
          .containsExactly(
              FaultKind.CPU_SATURATION, FaultKind.DB_CONTENTION, FaultKind.CPU_SATURATION);
      assertThat(all)
          .extracting(GroundTruth::startMillis)
          .containsExactly(10_000L, 40_000L, 70_000L);
    }
    // the demo's faults show in the metrics: cpu-saturation pins embed's CPU
    String embed = Sims.source(Stage.EMBED);
    assertThat(
            recording.maxGauge(
                embed, "pipeline_stage_cpu_usage_ratio", Sims.stage(Stage.EMBED), 0, 9_000))
        .isLessThan(0.99);
    assertThat(
            recording.meanGauge(
                embed, "pipeline_stage_cpu_usage_ratio", Sims.stage(Stage.EMBED), 11_000, 29_000))
        .isGreaterThan(0.99);
  }
}
