package io.pipewatch.simulator;

import static io.pipewatch.simulator.Sims.PIPE;
import static io.pipewatch.simulator.Sims.hop;
import static io.pipewatch.simulator.Sims.s;
import static io.pipewatch.simulator.Sims.source;
import static io.pipewatch.simulator.Sims.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.Collector;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each fault leaves its signature in the metrics. Every run: 20 s warm-up, baseline [20 s, 60 s),
 * the fault from 60 s to 150 s, measured in [90 s, 150 s), recovery until 200 s.
 */
class FaultSignatureTest {
  private static final long START = s(60);
  private static final long END = s(150);

  private GroundTruth truth;

  private Recording run(String kind, String stage, double intensity) {
    return run("", kind, stage, intensity);
  }

  private Recording run(String overrides, String kind, String stage, double intensity) {
    Recording recording = new Recording();
    try (PipelineSimulator sim = PipelineSimulator.create(Sims.settings(overrides), recording, 0)) {
      truth = sim.injectFault(FaultSpec.parse(kind, stage, "90s", intensity, "60s"));
      assertThat(sim.activeFaults()).isEmpty();
      sim.runFor(Duration.ofSeconds(61));
      assertThat(sim.activeFaults()).containsExactly(truth);
      sim.runFor(Duration.ofSeconds(139));
      assertThat(sim.activeFaults()).isEmpty();
      assertThat(sim.groundTruth()).containsExactly(truth);
    }
    assertThat(truth.startMillis()).isEqualTo(START);
    assertThat(truth.endMillis()).isEqualTo(END);
    assertThat(truth.sourceId()).isEqualTo("docpipe-" + truth.stage().id());
    return recording;
  }

  private static double before(Recording r, Stage st, String gauge) {
    return r.meanGauge(source(st), gauge, stage(st), s(20), START);
  }

  private static double during(Recording r, Stage st, String gauge) {
    return r.meanGauge(source(st), gauge, stage(st), s(90), END);
  }

  private static double latency(Recording r, Stage st, long from, long to) {
    return r.meanSeconds(source(st), "pipeline_stage_latency_seconds", stage(st), from, to);
  }

  private static double processed(Recording r, Stage st, long from, long to) {
    return r.rate(source(st), "pipeline_documents_processed_total", stage(st), from, to);
  }

  private static double errors(Recording r, Stage st, String reason, long from, long to) {
    return r.rate(
        source(st),
        "pipeline_stage_errors_total",
        Map.of("stage", st.id(), "reason", reason),
        from,
        to);
  }

  @Test
  void cpuSaturationPinsCpuAndSlowsTheStage() {
    Recording r = run("cpu-saturation", "embed", 0.8);
    assertThat(before(r, Stage.EMBED, "pipeline_stage_cpu_usage_ratio")).isLessThan(0.95);
    assertThat(during(r, Stage.EMBED, "pipeline_stage_cpu_usage_ratio")).isGreaterThan(0.99);
    assertThat(latency(r, Stage.EMBED, s(90), END))
        .isGreaterThan(2 * latency(r, Stage.EMBED, s(20), START));
    assertThat(before(r, Stage.PARSE, "pipeline_stage_cpu_usage_ratio")).isLessThan(0.9);
  }

  @Test
  void memoryLeakGrowsMemoryUntilRestartedThenRecovers() {
    Recording r = run("memory-leak", "parse", 0.6);
    String parse = source(Stage.PARSE);
    Map<String, String> heap = Map.of("pool", "parse_heap");
    double atStart =
        r.meanGauge(parse, "pipeline_memory_pool_used_bytes", heap, START, START + 2000);
    double later = r.meanGauge(parse, "pipeline_memory_pool_used_bytes", heap, END - 2000, END);
    double after = r.meanGauge(parse, "pipeline_memory_pool_used_bytes", heap, s(190), s(200));
    // 6 MB/s for 90 s
    assertThat(later - atStart).isGreaterThan(450 * 1024 * 1024.0);
    assertThat(r.maxGauge(parse, "pipeline_stage_memory_bytes", stage(Stage.PARSE), START, END))
        .isGreaterThan(
            r.maxGauge(parse, "pipeline_stage_memory_bytes", stage(Stage.PARSE), s(20), START)
                + 450 * 1024 * 1024.0);
    // the leak stays until the service restarts; none happens here (heap not exhausted)
    assertThat(after).isGreaterThan(atStart + 450 * 1024 * 1024.0);
  }

  @Test
  void anExhaustedHeapRunsOutOfMemory() {
    Recording r = run("memory-leak", "ingest", 1.0);
    // ingest heap: 512 MB, base 64 MB: full after ~45 s of a 10 MB/s leak
    assertThat(errors(r, Stage.INGEST, "out_of_memory", START, s(200))).isGreaterThan(0);
    assertThat(
            r.maxGauge(
                source(Stage.INGEST),
                "pipeline_stage_health_score",
                stage(Stage.INGEST),
                s(20),
                START))
        .isGreaterThan(
            r.meanGauge(
                source(Stage.INGEST),
                "pipeline_stage_health_score",
                stage(Stage.INGEST),
                s(95),
                s(110)));
  }

  @Test
  void slowIpcRaisesIpcLatencyP99() {
    Recording r = run("slow-ipc", "parse", 0.7);
    String parse = source(Stage.PARSE);
    double base =
        r.meanP99Seconds(parse, "pipeline_ipc_latency_seconds", hop(Stage.PARSE), s(20), START);
    double slow =
        r.meanP99Seconds(parse, "pipeline_ipc_latency_seconds", hop(Stage.PARSE), s(90), END);
    assertThat(slow).isGreaterThan(3 * base);
    double ingestHop =
        r.meanP99Seconds(
            source(Stage.INGEST), "pipeline_ipc_latency_seconds", hop(Stage.INGEST), s(90), END);
    assertThat(ingestHop).isLessThan(slow / 2);
  }

  @Test
  void stageStallStopsTheStageFillsQueuesAndMakesIngestReject() {
    Recording r = run("stage-stall", "parse", 0.5);
    assertThat(processed(r, Stage.PARSE, s(20), START)).isGreaterThan(200);
    assertThat(processed(r, Stage.PARSE, s(62), END)).isZero();
    assertThat(during(r, Stage.PARSE, "pipeline_stage_queue_depth")).isEqualTo(256);
    assertThat(during(r, Stage.INGEST, "pipeline_stage_queue_depth")).isEqualTo(512);
    assertThat(errors(r, Stage.INGEST, "queue_full", s(90), END)).isGreaterThan(200);
    assertThat(errors(r, Stage.INGEST, "queue_full", s(20), START)).isZero();
    assertThat(processed(r, Stage.PARSE, s(170), s(200))).isGreaterThan(200);
  }

  @Test
  void errorBurstRaisesErrorsAndErrorRatio() {
    Recording r = run("error-burst", "index", 0.6);
    assertThat(errors(r, Stage.INDEX, "processing", s(20), START)).isLessThan(2);
    assertThat(errors(r, Stage.INDEX, "processing", s(90), END)).isGreaterThan(50);
    assertThat(r.meanGauge("docpipe", "pipeline_error_ratio", PIPE, s(90), END)).isGreaterThan(0.2);
    assertThat(r.meanGauge("docpipe", "pipeline_health_score", PIPE, s(90), END))
        .isLessThan(r.meanGauge("docpipe", "pipeline_health_score", PIPE, s(20), START));
  }

  @Test
  void dbContentionSlowsIndexWhileItsCpuStaysLow() {
    Recording r = run("db-contention", null, 0.7);
    String index = source(Stage.INDEX);
    double dbBefore =
        r.meanSeconds(index, "pipeline_db_query_latency_seconds", stage(Stage.INDEX), s(20), START);
    double dbDuring =
        r.meanSeconds(index, "pipeline_db_query_latency_seconds", stage(Stage.INDEX), s(90), END);
    assertThat(dbDuring).isGreaterThan(5 * dbBefore);
    assertThat(latency(r, Stage.INDEX, s(90), END))
        .isGreaterThan(3 * latency(r, Stage.INDEX, s(20), START));
    // waiting on the database is not CPU: an I/O bottleneck, the CPU stays far from saturation
    assertThat(during(r, Stage.INDEX, "pipeline_stage_cpu_usage_ratio")).isLessThan(0.5);
  }

  @Test
  void loadImbalanceBusiesOneWorkerWhileTheOthersIdle() {
    Recording r = run("load-imbalance", "embed", 1.0);
    double maxBefore = before(r, Stage.EMBED, "pipeline_worker_busy_max_ratio");
    double meanBefore = before(r, Stage.EMBED, "pipeline_worker_busy_mean_ratio");
    double maxDuring = during(r, Stage.EMBED, "pipeline_worker_busy_max_ratio");
    double meanDuring = during(r, Stage.EMBED, "pipeline_worker_busy_mean_ratio");
    assertThat(maxDuring).isGreaterThan(0.99);
    assertThat(maxDuring / meanDuring).isGreaterThan(1.5 * maxBefore / meanBefore);
  }

  @Test
  void cascadingFailureReachesUpstreamStagesOneAfterTheOther() {
    Recording r = run("cascading-failure", "index", 0.8);
    // cascade-delay = 15s: index from 60 s, embed from 75 s, parse from 90 s, ingest from 105 s
    assertThat(errors(r, Stage.INDEX, "timeout", START, s(74))).isGreaterThan(10);
    assertThat(errors(r, Stage.EMBED, "timeout", s(20), s(74))).isZero();
    assertThat(errors(r, Stage.EMBED, "timeout", s(76), s(89))).isGreaterThan(1);
    assertThat(errors(r, Stage.PARSE, "timeout", s(20), s(89))).isZero();
    assertThat(errors(r, Stage.PARSE, "timeout", s(91), s(104))).isGreaterThan(1);
    assertThat(errors(r, Stage.INGEST, "timeout", s(20), s(104))).isZero();
    assertThat(errors(r, Stage.INGEST, "timeout", s(106), END)).isGreaterThan(1);
    assertThat(errors(r, Stage.INGEST, "timeout", s(155), s(200))).isZero();
  }

  @Test
  void silentSourceStopsReportingWhileTheOthersGoOn() {
    Recording r = run("source-silent", "ingest", 0.5);
    assertThat(r.of("docpipe-ingest", s(20), START)).hasSize(40);
    assertThat(r.of("docpipe-ingest", START, END)).isEmpty();
    assertThat(r.of("docpipe-parse", START, END)).hasSize(90);
    assertThat(r.of("docpipe-ingest", END, s(200))).hasSize(50);
    // it kept working meanwhile: its counters jumped over the gap
    Collector.Ingest lastBefore = r.of("docpipe-ingest", START - 1000, START).get(0);
    Collector.Ingest firstAfter = r.of("docpipe-ingest", END, END + 1000).get(0);
    double jump =
        Recording.find(firstAfter, "pipeline_documents_processed_total", stage(Stage.INGEST))
                .value()
            - Recording.find(lastBefore, "pipeline_documents_processed_total", stage(Stage.INGEST))
                .value();
    assertThat(jump).isGreaterThan(90 * 200);
  }
}
