package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.Collector;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  private static List<Collector.Ingest> run(long seed) {
    // The default 100 ms flush, a fault and a knob change: everything must replay exactly.
    SimulatorSettings settings =
        SimulatorSettings.create(
                com.typesafe.config.ConfigFactory.parseString(
                        "pipewatch.simulator.demo { enabled = true, first-fault-after = 5s }")
                    .withFallback(com.typesafe.config.ConfigFactory.defaultReference()))
            .withSeed(seed);
    Recording recording = new Recording();
    try (PipelineSimulator sim = PipelineSimulator.create(settings, recording, 1_000_000L)) {
      sim.runFor(Duration.ofSeconds(8));
      sim.injectFault(FaultSpec.parse("slow-ipc", "parse", "3s", 0.9, null));
      sim.agent(Stage.EMBED).changeSetting("concurrency", 20);
      sim.runFor(Duration.ofSeconds(7));
    }
    return recording.batches;
  }

  @Test
  void sameSeedGivesTheSameMetricSeries() {
    List<Collector.Ingest> first = run(7);
    List<Collector.Ingest> second = run(7);
    assertThat(first).hasSize(15 * 10 * 5);
    assertThat(second).isEqualTo(first);
  }

  @Test
  void anotherSeedGivesAnotherSeries() {
    assertThat(run(8)).isNotEqualTo(run(7));
  }
}
