package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobSpec;
import java.util.Map;
import java.util.Optional;

/**
 * IPC batching and compression of a service's outgoing hop: bandwidth-bound (many bytes per second)
 * → compress; overhead-bound (many tiny batches per second) → larger batches; latency-bound (slow
 * hop, few batches: documents wait for a batch to fill) → smaller batches.
 */
public final class IpcStrategy implements OptimizationStrategy {
  private final String batchKnob;
  private final String compressionKnob;
  private final double bandwidthBoundBytes;
  private final double overheadBoundBatches;
  private final double latencyBoundSeconds;
  private final long tabuMillis;

  /**
   * @param bandwidthBoundBytes bytes per second above which compression is tried
   * @param overheadBoundBatches batches per second above which larger batches are tried
   * @param latencyBoundSeconds IPC p99 above which smaller batches are tried
   */
  public IpcStrategy(
      String batchKnob,
      String compressionKnob,
      double bandwidthBoundBytes,
      double overheadBoundBatches,
      double latencyBoundSeconds,
      long tabuMillis) {
    this.batchKnob = batchKnob;
    this.compressionKnob = compressionKnob;
    this.bandwidthBoundBytes = bandwidthBoundBytes;
    this.overheadBoundBatches = overheadBoundBatches;
    this.latencyBoundSeconds = latencyBoundSeconds;
    this.tabuMillis = tabuMillis;
  }

  @Override
  public String name() {
    return "ipc";
  }

  @Override
  public Optional<Proposal> propose(StrategyContext ctx) {
    long since = ctx.nowMillis() - tabuMillis;
    double bytes = ctx.medianOr(Signals.IPC_BYTES, Double.NaN);
    double batches = ctx.medianOr(Signals.IPC_BATCHES, Double.NaN);
    double p99 = ctx.medianOr(Signals.IPC_P99, Double.NaN);
    Map<String, Double> evidence =
        Map.of("ipc_bytes_per_s", bytes, "ipc_batches_per_s", batches, "ipc_p99_s", p99);
    KnobSpec compression = ctx.knobs().get(compressionKnob);
    if (compression != null
        && compression.value() == 0
        && bytes > bandwidthBoundBytes
        && !Tabu.contains(ctx.outcomes(), compressionKnob, 1, since)) {
      return Optional.of(
          new Proposal(
              name(),
              compressionKnob,
              0,
              1,
              Objective.IPC_LATENCY,
              String.format("hop is bandwidth-bound (%.1f MB/s): compress", bytes / 1e6),
              30,
              0,
              60,
              0.5,
              Risk.MEDIUM,
              evidence));
    }
    KnobSpec batch = ctx.knobs().get(batchKnob);
    if (batch == null) {
      return Optional.empty();
    }
    double size = batch.value();
    if (batches > overheadBoundBatches && size < batch.max()) {
      double to = KnobMath.snap(batch, size * 4);
      if (!Tabu.contains(ctx.outcomes(), batchKnob, to, since)) {
        return Optional.of(
            new Proposal(
                name(),
                batchKnob,
                size,
                to,
                ConcurrencyStrategy.saturated(ctx, ctx.medianOr(Signals.IN_FLIGHT, 0))
                    ? Objective.THROUGHPUT
                    : Objective.LATENCY,
                String.format(
                    "%.0f batches/s of %.0f documents: per-batch overhead dominates",
                    batches, size),
                10,
                -5,
                30,
                0.5,
                Risk.LOW,
                evidence));
      }
    }
    if (p99 > latencyBoundSeconds && batches < overheadBoundBatches / 4 && size > batch.min()) {
      double to = KnobMath.snap(batch, Math.floor(size / 2));
      if (to < size && !Tabu.contains(ctx.outcomes(), batchKnob, to, since)) {
        return Optional.of(
            new Proposal(
                name(),
                batchKnob,
                size,
                to,
                Objective.IPC_LATENCY,
                String.format(
                    "hop latency p99 %.0f ms with few batches: documents wait for full batches",
                    p99 * 1000),
                20,
                0,
                50,
                0.5,
                Risk.LOW,
                evidence));
      }
    }
    return Optional.empty();
  }
}
