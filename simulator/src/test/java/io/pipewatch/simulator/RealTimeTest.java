package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same engine paced to the wall clock on its own thread (what the server runs). */
class RealTimeTest {

  @Test
  void reportsEverySourceAppliesKnobsAndFaultsAndStopsOnClose() throws InterruptedException {
    LinkedBlockingQueue<Collector.Ingest> batches = new LinkedBlockingQueue<>();
    SimulatorSettings settings = Sims.settings("flush-interval = 50ms");
    PipelineSimulator sim = PipelineSimulator.startRealTime(settings, batches::add);
    try {
      Set<String> sources = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (sources.size() < 5 && System.nanoTime() < deadline) {
        Collector.Ingest batch = batches.poll(1, TimeUnit.SECONDS);
        if (batch != null) {
          sources.add(batch.sourceId());
        }
      }
      assertThat(sources)
          .containsExactlyInAnyOrder(
              "docpipe", "docpipe-ingest", "docpipe-parse", "docpipe-embed", "docpipe-index");

      sim.agent(Stage.EMBED).changeSetting("concurrency", 20);
      GroundTruth truth = sim.injectFault(FaultSpec.parse("error-burst", "index", "1h", 0.5, null));
      assertThat(sim.activeFaults()).containsExactly(truth);
      assertThat(truth.startMillis())
          .isBetween(System.currentTimeMillis() - 60_000, sim.nowMillis());

      boolean concurrencySeen = false;
      boolean errorsSeen = false;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!(concurrencySeen && errorsSeen) && System.nanoTime() < deadline) {
        Collector.Ingest batch = batches.poll(1, TimeUnit.SECONDS);
        if (batch == null) {
          continue;
        }
        for (Sample sample : batch.samples()) {
          concurrencySeen |=
              sample.name().equals("pipeline_stage_concurrency") && sample.value() == 20;
          errorsSeen |=
              sample.name().equals("pipeline_stage_errors_total")
                  && sample.labels().get("stage").equals("index")
                  && sample.value() > 100;
        }
      }
      assertThat(concurrencySeen).isTrue();
      assertThat(errorsSeen).isTrue();
    } finally {
      sim.close();
    }
    batches.clear();
    // after close() returned the pacing thread is gone: nothing more can arrive
    assertThat(batches.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }
}
