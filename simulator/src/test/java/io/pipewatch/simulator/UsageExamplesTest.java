package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The usage examples in the Javadoc of {@link PipelineSimulator}, {@link FaultSpec}, {@link
 * FaultRequest} and {@link SimulatorSettings}, written here as they are there and run, so an
 * example that no longer compiles or no longer works fails the build.
 */
class UsageExamplesTest {

  @Test
  void simulatedTimeExample() {
    SimulatorSettings settings = SimulatorSettings.create(ConfigFactory.load());
    List<Collector.Ingest> batches = new CopyOnWriteArrayList<>();
    // simulated time: deterministic for a seed, much faster than real time (tests, benchmarks)
    try (PipelineSimulator sim = PipelineSimulator.create(settings, batches::add, 0L)) {
      sim.injectFault(FaultSpec.parse("cpu-saturation", "embed", "90s", 0.8, "60s"));
      sim.runFor(Duration.ofMinutes(5)); // flushes every agent every flush-interval of sim time
      assertThat(sim.groundTruth())
          .anyMatch(t -> t.kind() == FaultKind.CPU_SATURATION && t.startMillis() == 60_000);
    }
    assertThat(batches).isNotEmpty();
  }

  @Test
  void realTimeExample() {
    SimulatorSettings settings = SimulatorSettings.defaults();
    List<Collector.Ingest> region = new CopyOnWriteArrayList<>();
    Consumer<Collector.Ingest> tell = region::add;
    // real time: a daemon thread paces simulated time to the wall clock (the server's demo)
    PipelineSimulator sim = PipelineSimulator.startRealTime(settings, batch -> tell.accept(batch));
    sim.injectFault(new FaultRequest("slow-ipc", "parse", "2m", 0.6, null).toSpec());
    sim.agent("docpipe-embed").changeSetting("concurrency", 24); // what the optimizer does
    sim.close();
    assertThat(sim.activeFaults())
        .extracting(GroundTruth::kind)
        .containsExactly(FaultKind.SLOW_IPC);
  }

  @Test
  void faultSpecExample() {
    try (PipelineSimulator simulator =
        PipelineSimulator.create(SimulatorSettings.defaults(), batch -> {}, 0L)) {
      FaultSpec spec = FaultSpec.parse("cpu-saturation", "embed", "90s", 0.8, null);
      GroundTruth truth = simulator.injectFault(spec);
      assertThat(truth.endMillis() - truth.startMillis()).isEqualTo(90_000);
    }
  }

  @Test
  void faultRequestExample() throws Exception {
    ObjectMapper strict =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    FaultRequest request =
        strict.readValue(
            """
            {"kind": "cpu-saturation", "stage": "embed", "duration": "90s", "intensity": 0.8, "delay": "0s"}
            """,
            FaultRequest.class);
    assertThat(request.toSpec().duration()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void settingsExample() {
    SimulatorSettings settings = SimulatorSettings.create(ConfigFactory.load());
    assertThat(settings.pipeline()).isEqualTo("docpipe");
  }
}
