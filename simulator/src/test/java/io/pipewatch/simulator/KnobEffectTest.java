package io.pipewatch.simulator;

import static io.pipewatch.simulator.Sims.hop;
import static io.pipewatch.simulator.Sims.s;
import static io.pipewatch.simulator.Sims.source;
import static io.pipewatch.simulator.Sims.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewatch.collector.agent.KnobSpec;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each knob moves the metrics in the direction a real service would. */
class KnobEffectTest {

  /** Runs 100 s of simulated time after {@code tune}; measures over [30 s, 100 s). */
  private static Recording run(String overrides, Consumer<PipelineSimulator> tune) {
    Recording recording = new Recording();
    try (PipelineSimulator sim = PipelineSimulator.create(Sims.settings(overrides), recording, 0)) {
      tune.accept(sim);
      sim.runFor(Duration.ofSeconds(100));
    }
    return recording;
  }

  private static double rate(Recording r, Stage stage) {
    return r.rate(source(stage), "pipeline_documents_processed_total", stage(stage), s(30), s(100));
  }

  @Test
  void registersTheKnobsOfEachStage() {
    try (PipelineSimulator sim = PipelineSimulator.create(Sims.settings(""), r -> {}, 0)) {
      assertThat(sim.agent(Stage.EMBED).knobs())
          .extracting(KnobSpec::name)
          .containsExactly(
              "buffer_pool_mb",
              "concurrency",
              "inference_model",
              "ipc_batch_size",
              "ipc_compression",
              "queue_capacity");
      assertThat(sim.agent(Stage.INDEX).knobs())
          .extracting(KnobSpec::name)
          .containsExactly("buffer_pool_mb", "concurrency", "queue_capacity");
      assertThat(sim.agent("docpipe-embed").knobs())
          .filteredOn(k -> k.name().equals("inference_model"))
          .singleElement()
          .satisfies(k -> assertThat(k.choices()).containsExactly("fast", "accurate"));
      assertThatThrownBy(() -> sim.agent(Stage.EMBED).changeSetting("concurrency", 65))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> sim.agent("docpipe-nowhere"))
          .hasMessageContaining("no simulated source 'docpipe-nowhere'");
    }
  }

  @Test
  void concurrencyPastTheUslOptimumLowersThroughput() {
    // Overloaded embed (600 docs/s offered); its USL optimum is sqrt((1-0.03)/0.0015) ~ 25 workers.
    String overload = "arrival-rate = 600, stages.embed.buffer-pool-mb = 4096";
    double atOptimum =
        rate(
            run(overload, sim -> sim.agent(Stage.EMBED).changeSetting("concurrency", 24)),
            Stage.EMBED);
    double below =
        rate(
            run(overload, sim -> sim.agent(Stage.EMBED).changeSetting("concurrency", 8)),
            Stage.EMBED);
    double beyond =
        rate(
            run(overload, sim -> sim.agent(Stage.EMBED).changeSetting("concurrency", 64)),
            Stage.EMBED);
    assertThat(atOptimum).isGreaterThan(below * 1.3);
    assertThat(atOptimum).isGreaterThan(beyond * 1.15);
  }

  @Test
  void compressionLowersIpcBytesButCostsCpu() {
    Recording plain = run("", sim -> {});
    Recording compressed =
        run("", sim -> sim.agent(Stage.INGEST).changeSetting("ipc_compression", 1));
    String ingest = source(Stage.INGEST);
    double plainBytes =
        plain.rate(ingest, "pipeline_ipc_bytes_total", hop(Stage.INGEST), s(30), s(100));
    double compressedBytes =
        compressed.rate(ingest, "pipeline_ipc_bytes_total", hop(Stage.INGEST), s(30), s(100));
    assertThat(compressedBytes).isLessThan(plainBytes * 0.5);
    double plainCpu =
        plain.meanGauge(
            ingest, "pipeline_stage_cpu_usage_ratio", stage(Stage.INGEST), s(30), s(100));
    double compressedCpu =
        compressed.meanGauge(
            ingest, "pipeline_stage_cpu_usage_ratio", stage(Stage.INGEST), s(30), s(100));
    assertThat(compressedCpu).isGreaterThan(plainCpu * 1.03);
  }

  @Test
  void fastModelLowersLatencyCpuAndQuality() {
    Recording accurate = run("", sim -> {});
    Recording fast = run("", sim -> sim.agent(Stage.EMBED).changeSetting("inference_model", 0));
    String embed = source(Stage.EMBED);
    assertThat(
            fast.meanSeconds(
                embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)))
        .isLessThan(
            0.7
                * accurate.meanSeconds(
                    embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)));
    assertThat(
            fast.meanGauge(
                embed, "pipeline_stage_cpu_usage_ratio", stage(Stage.EMBED), s(30), s(100)))
        .isLessThan(
            0.7
                * accurate.meanGauge(
                    embed, "pipeline_stage_cpu_usage_ratio", stage(Stage.EMBED), s(30), s(100)));
    assertThat(
            fast.meanGauge(
                embed, "pipeline_embedding_quality_ratio", stage(Stage.EMBED), s(30), s(100)))
        .isLessThan(
            accurate.meanGauge(
                embed, "pipeline_embedding_quality_ratio", stage(Stage.EMBED), s(30), s(100)));
  }

  @Test
  void switchingTheModelPausesEmbedWhileItLoads() {
    Recording recording = new Recording();
    try (PipelineSimulator sim =
        PipelineSimulator.create(Sims.settings("flush-interval = 100ms"), recording, 0)) {
      sim.runFor(Duration.ofSeconds(10));
      sim.agent(Stage.EMBED).changeSetting("inference_model", 0);
      sim.runFor(Duration.ofSeconds(10));
    }
    String embed = source(Stage.EMBED);
    // model-load-time = 2s: in-service documents finish within ~0.5 s, then nothing until loaded
    double duringLoad =
        recording.rate(
            embed, "pipeline_documents_processed_total", stage(Stage.EMBED), s(10.6), s(12));
    double before =
        recording.rate(
            embed, "pipeline_documents_processed_total", stage(Stage.EMBED), s(5), s(10));
    assertThat(before).isGreaterThan(150);
    assertThat(duringLoad).isZero();
    assertThat(
            recording.meanGauge(
                embed, "pipeline_stage_queue_depth", stage(Stage.EMBED), s(11.5), s(12)))
        .isGreaterThan(100);
  }

  @Test
  void addedWorkersWarmUp() {
    Recording recording = new Recording();
    try (PipelineSimulator sim =
        PipelineSimulator.create(
            Sims.settings(
                "arrival-rate = 600, stages.embed { concurrency = 8, buffer-pool-mb = 4096 }"),
            recording,
            0)) {
      sim.runFor(Duration.ofSeconds(30));
      sim.agent(Stage.EMBED).changeSetting("concurrency", 24);
      sim.runFor(Duration.ofSeconds(40));
    }
    String embed = source(Stage.EMBED);
    double justAfter =
        recording.rate(
            embed, "pipeline_documents_processed_total", stage(Stage.EMBED), s(30), s(35));
    double warm =
        recording.rate(
            embed, "pipeline_documents_processed_total", stage(Stage.EMBED), s(45), s(70));
    assertThat(warm).isGreaterThan(justAfter * 1.1);
  }

  @Test
  void largerBatchesCarryMoreOverASlowLink() {
    String slow =
        "faults = [{ kind = slow-ipc, stage = parse, at = 0s, duration = 10m, intensity = 1.0 }]";
    Recording small = run(slow, sim -> sim.agent(Stage.PARSE).changeSetting("ipc_batch_size", 1));
    Recording large = run(slow, sim -> sim.agent(Stage.PARSE).changeSetting("ipc_batch_size", 64));
    assertThat(rate(large, Stage.EMBED)).isGreaterThan(rate(small, Stage.EMBED) * 1.5);
    double smallBatches =
        small.rate(
            source(Stage.PARSE), "pipeline_ipc_batches_total", hop(Stage.PARSE), s(30), s(100));
    double largeBatches =
        large.rate(
            source(Stage.PARSE), "pipeline_ipc_batches_total", hop(Stage.PARSE), s(30), s(100));
    assertThat(largeBatches).isLessThan(smallBatches / 2);
  }

  @Test
  void queueCapacityBoundsQueueingDelay() {
    String overload = "arrival-rate = 600";
    Recording shortQueue =
        run(overload, sim -> sim.agent(Stage.EMBED).changeSetting("queue_capacity", 16));
    Recording longQueue =
        run(overload, sim -> sim.agent(Stage.EMBED).changeSetting("queue_capacity", 2000));
    String embed = source(Stage.EMBED);
    assertThat(
            shortQueue.maxGauge(
                embed, "pipeline_stage_queue_depth", stage(Stage.EMBED), s(30), s(100)))
        .isLessThanOrEqualTo(16);
    assertThat(
            longQueue.meanGauge(
                embed, "pipeline_stage_queue_depth", stage(Stage.EMBED), s(30), s(100)))
        .isGreaterThan(500);
    assertThat(
            longQueue.meanSeconds(
                embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)))
        .isGreaterThan(
            3
                * shortQueue.meanSeconds(
                    embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)));
  }

  @Test
  void aTooSmallBufferPoolSlowsTheStage() {
    Recording tight = run("", sim -> sim.agent(Stage.EMBED).changeSetting("buffer_pool_mb", 32));
    Recording roomy = run("", sim -> sim.agent(Stage.EMBED).changeSetting("buffer_pool_mb", 1024));
    String embed = source(Stage.EMBED);
    assertThat(
            tight.meanSeconds(
                embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)))
        .isGreaterThan(
            1.3
                * roomy.meanSeconds(
                    embed, "pipeline_stage_latency_seconds", stage(Stage.EMBED), s(30), s(100)));
    assertThat(
            tight.meanGauge(
                embed,
                "pipeline_memory_pool_capacity_bytes",
                java.util.Map.of("pool", "embed_buffers"),
                s(30),
                s(100)))
        .isEqualTo(32 * 1024 * 1024.0);
  }
}
