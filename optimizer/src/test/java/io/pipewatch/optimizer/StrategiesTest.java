package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class StrategiesTest {
  private static final long HOUR = 3_600_000L;

  private static List<Observation> observations(Map<String, Double> values) {
    List<Observation> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      out.add(new Observation(i * 1000L, values));
    }
    return out;
  }

  private static StrategyContext ctx(
      Map<String, KnobSpec> knobs, Map<String, Double> values, List<ChangeOutcome> outcomes) {
    return new StrategyContext("s", knobs, observations(values), outcomes, 30_000);
  }

  @Test
  void concurrencyExploresDownFromTheTopOfItsRangeAndSkipsRolledBackValues() {
    ConcurrencyStrategy strategy = new ConcurrencyStrategy("concurrency", 0.25, HOUR);
    Map<String, KnobSpec> knobs =
        Map.of("concurrency", KnobSpec.numeric("concurrency", "", 1, 64, 1, 64));
    Map<String, Double> values =
        Map.of(Signals.THROUGHPUT, 280.0, Signals.IN_FLIGHT, 63.0, Signals.QUEUE_FILL, 0.8);

    Proposal first = strategy.propose(ctx(knobs, values, List.of())).orElseThrow();
    assertThat(first.to()).isEqualTo(48);
    assertThat(first.objective()).isEqualTo(Objective.THROUGHPUT);

    ChangeOutcome rolledBack =
        new ChangeOutcome(
            "concurrency",
            "concurrency",
            64,
            48,
            Objective.THROUGHPUT,
            280,
            279,
            280,
            279,
            true,
            false,
            20_000);
    assertThat(strategy.propose(ctx(knobs, values, List.of(rolledBack)))).isEmpty();
  }

  @Test
  void concurrencyMovesTowardsTheUslPeakOnceItHasThreePoints() {
    ConcurrencyStrategy strategy = new ConcurrencyStrategy("concurrency", 0.25, HOUR);
    UslFit truth = new UslFit(40, 0.03, 0.0015);
    List<ChangeOutcome> outcomes =
        List.of(
            new ChangeOutcome(
                "concurrency",
                "concurrency",
                64,
                48,
                Objective.THROUGHPUT,
                0,
                0,
                truth.throughput(64),
                truth.throughput(48),
                true,
                true,
                1000),
            new ChangeOutcome(
                "concurrency",
                "concurrency",
                48,
                36,
                Objective.THROUGHPUT,
                0,
                0,
                truth.throughput(48),
                truth.throughput(36),
                true,
                true,
                2000));
    Map<String, KnobSpec> knobs =
        Map.of("concurrency", KnobSpec.numeric("concurrency", "", 1, 64, 1, 36));
    Map<String, Double> values =
        Map.of(
            Signals.THROUGHPUT,
            truth.throughput(36),
            Signals.IN_FLIGHT,
            36.0,
            Signals.QUEUE_FILL,
            0.9);

    Proposal p = strategy.propose(ctx(knobs, values, outcomes)).orElseThrow();

    assertThat(p.to()).isEqualTo(27); // 25 % step from 36 towards N* = 25.4
    assertThat(p.reason()).contains("USL");
    knobs = Map.of("concurrency", KnobSpec.numeric("concurrency", "", 1, 64, 1, 25));
    values =
        Map.of(
            Signals.THROUGHPUT,
            truth.throughput(25),
            Signals.IN_FLIGHT,
            25.0,
            Signals.QUEUE_FILL,
            0.9);
    assertThat(strategy.propose(ctx(knobs, values, outcomes))).as("at the optimum").isEmpty();
  }

  @Test
  void memoryPoolGrowsAStarvedPoolWithinItsMaximum() {
    MemoryPoolStrategy strategy = new MemoryPoolStrategy("buffer_pool_mb", HOUR);
    Map<String, KnobSpec> knobs =
        Map.of("buffer_pool_mb", KnobSpec.numeric("buffer_pool_mb", "", 1, 100, 1, 64));
    double mb = 1024 * 1024;
    Proposal p =
        strategy
            .propose(
                ctx(
                    knobs,
                    Map.of(Signals.POOL_USED, 64 * mb, Signals.POOL_CAPACITY, 64 * mb),
                    List.of()))
            .orElseThrow();
    assertThat(p.to()).isEqualTo(100);
    assertThat(
            strategy.propose(
                ctx(
                    knobs,
                    Map.of(Signals.POOL_USED, 20 * mb, Signals.POOL_CAPACITY, 64 * mb),
                    List.of())))
        .isEmpty();
  }

  @Test
  void ipcCompressesABandwidthBoundHopAndBatchesAnOverheadBoundOne() {
    IpcStrategy strategy =
        new IpcStrategy("ipc_batch_size", "ipc_compression", 30e6, 200, 0.05, HOUR);
    Map<String, KnobSpec> knobs =
        Map.of(
            "ipc_batch_size", KnobSpec.numeric("ipc_batch_size", "", 1, 512, 1, 1),
            "ipc_compression",
                KnobSpec.categorical("ipc_compression", "", List.of("off", "on"), "off"));
    assertThat(
            strategy
                .propose(
                    ctx(
                        knobs,
                        Map.of(Signals.IPC_BYTES, 40e6, Signals.IPC_BATCHES, 10.0),
                        List.of()))
                .orElseThrow()
                .knob())
        .isEqualTo("ipc_compression");
    Proposal batch =
        strategy
            .propose(
                ctx(knobs, Map.of(Signals.IPC_BYTES, 1e6, Signals.IPC_BATCHES, 250.0), List.of()))
            .orElseThrow();
    assertThat(batch.knob()).isEqualTo("ipc_batch_size");
    assertThat(batch.to()).isEqualTo(4);
  }

  @Test
  void modelGoesFastUnderBacklogAndBackWhenItClears() {
    ModelStrategy strategy = new ModelStrategy("inference_model", "fast", "accurate", HOUR);
    Map<String, KnobSpec> accurate =
        Map.of(
            "inference_model",
            KnobSpec.categorical("inference_model", "", List.of("fast", "accurate"), "accurate"));
    Map<String, KnobSpec> fast =
        Map.of(
            "inference_model",
            KnobSpec.categorical("inference_model", "", List.of("fast", "accurate"), "fast"));
    assertThat(
            strategy
                .propose(ctx(accurate, Map.of(Signals.QUEUE_FILL, 0.9), List.of()))
                .orElseThrow()
                .to())
        .isEqualTo(0);
    assertThat(
            strategy
                .propose(ctx(fast, Map.of(Signals.QUEUE_FILL, 0.0), List.of()))
                .orElseThrow()
                .objective())
        .isEqualTo(Objective.QUALITY);
    assertThat(strategy.propose(ctx(accurate, Map.of(Signals.QUEUE_FILL, 0.1), List.of())))
        .isEmpty();
  }

  @Test
  void capacityRecommendsButNeverProposes() {
    CapacityAdvisor advisor = new CapacityAdvisor("concurrency");
    StrategyContext c =
        ctx(
            Map.of(),
            Map.of(Signals.CPU, 0.97, Signals.DB_P99, 0.05, Signals.LATENCY_P99, 0.06),
            List.of());
    assertThat(advisor.propose(c)).isEmpty();
    assertThat(advisor.recommend(c))
        .extracting(Recommendation::key)
        .containsExactly("s/cpu-bound", "s/db-wait");
  }
}
