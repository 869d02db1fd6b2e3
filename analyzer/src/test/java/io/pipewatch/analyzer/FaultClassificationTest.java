package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.simulator.FaultKind;
import io.pipewatch.simulator.FaultSpec;
import io.pipewatch.simulator.GroundTruth;
import io.pipewatch.simulator.Stage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each of the simulator's fault signatures is classified as the right kind, on the faulty source,
 * within the fault (simulated time, 100 ms flushes, the analyzer's default configuration); and
 * nothing is found on a fault-free run.
 */
class FaultClassificationTest {

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "CPU_SATURATION, EMBED, cpu, 2000",
    "SLOW_IPC, PARSE, ipc, 2000",
    "STAGE_STALL, PARSE, throughput, 2000",
    "ERROR_BURST, INDEX, errors, 2000",
    "DB_CONTENTION, INDEX, io, 3000",
    "MEMORY_LEAK, PARSE, memory, 20000",
  })
  void aFaultIsClassifiedOnItsSource(FaultKind kind, Stage stage, String expected, long within) {
    try (SimulatedPipeline p = new SimulatedPipeline(7)) {
      GroundTruth truth =
          p.sim.injectFault(
              new FaultSpec(kind, stage, Duration.ofSeconds(35), Duration.ofSeconds(60), 0.8));
      p.run(Duration.ofSeconds(35));
      // start-up transients of the simulated services (first seconds) are real; after the
      // analyzer's 20 s warm-up nothing may be found before the fault
      assertThat(p.detected(truth.sourceId()))
          .as("before the fault")
          .noneMatch(b -> b.openedMillis() >= SimulatedPipeline.START + 20_000);
      p.run(Duration.ofMillis(within));
      List<Bottleneck> found =
          p.detected(truth.sourceId()).stream()
              .filter(b -> b.openedMillis() >= truth.startMillis())
              .toList();
      assertThat(found).extracting(b -> b.kind().id()).contains(expected);
      Bottleneck b =
          found.stream().filter(x -> x.kind().id().equals(expected)).findFirst().orElseThrow();
      assertThat(b.openedMillis()).isBetween(truth.startMillis(), truth.startMillis() + within);
      assertThat(b.impact()).isBetween(0.0, 1.0).isPositive();
      assertThat(b.confidence()).isBetween(0.3, 1.0);
      assertThat(b.evidence()).isNotEmpty();
    }
  }

  @Test
  void aSilentSourceIsAHeartbeatPatternAndACascadeIsACascade() {
    try (SimulatedPipeline p = new SimulatedPipeline(8)) {
      GroundTruth silent =
          p.sim.injectFault(
              new FaultSpec(
                  FaultKind.SOURCE_SILENT,
                  Stage.INGEST,
                  Duration.ofSeconds(30),
                  Duration.ofSeconds(10),
                  0.8));
      GroundTruth cascade =
          p.sim.injectFault(
              new FaultSpec(
                  FaultKind.CASCADING_FAILURE,
                  Stage.INDEX,
                  Duration.ofSeconds(45),
                  Duration.ofSeconds(40),
                  0.8));
      p.run(Duration.ofSeconds(32));
      assertThat(p.patterns())
          .singleElement()
          .satisfies(
              pattern -> {
                assertThat(pattern.kind()).isEqualTo(PatternKind.HEARTBEAT_DEGRADATION);
                assertThat(pattern.sources()).containsExactly(silent.sourceId());
                assertThat(pattern.detectedMillis())
                    .isBetween(silent.startMillis(), silent.startMillis() + 2_000);
              });
      p.run(Duration.ofSeconds(40));
      assertThat(p.patterns())
          .filteredOn(x -> x.kind() == PatternKind.CASCADING_FAILURE)
          .first()
          .satisfies(
              x -> {
                // index broke first; its upstream neighbours after it
                assertThat(x.sources()).contains(cascade.sourceId(), "docpipe-embed");
                assertThat(x.sources().indexOf(cascade.sourceId()))
                    .isLessThan(x.sources().indexOf("docpipe-embed"));
                assertThat(x.detectedMillis()).isGreaterThanOrEqualTo(cascade.startMillis());
              });
    }
  }

  @Test
  void aFaultFreeRunFindsNothing() {
    try (SimulatedPipeline p = new SimulatedPipeline(9)) {
      p.run(Duration.ofMinutes(3));
      assertThat(p.events)
          .filteredOn(
              e ->
                  e instanceof BottleneckAnalyzer.BottleneckDetected d
                      && d.bottleneck().openedMillis() >= SimulatedPipeline.START + 20_000)
          .isEmpty();
      assertThat(p.patterns())
          .filteredOn(x -> x.detectedMillis() >= SimulatedPipeline.START + 20_000)
          .isEmpty();
    }
  }
}
