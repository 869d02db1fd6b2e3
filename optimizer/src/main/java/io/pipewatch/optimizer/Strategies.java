package io.pipewatch.optimizer;

import java.util.List;

/** The strategies an optimizer runs, in order of preference (the first proposal wins). */
public final class Strategies {
  private Strategies() {}

  /** The built-in strategies for services with the simulator's knob names. */
  public static List<OptimizationStrategy> defaults(OptimizerSettings settings) {
    long tabu = settings.tabu().toMillis();
    return List.of(
        new MemoryPoolStrategy("buffer_pool_mb", tabu),
        new ModelStrategy("inference_model", "fast", "accurate", tabu),
        new ConcurrencyStrategy("concurrency", settings.maxStepFraction(), tabu),
        new IpcStrategy("ipc_batch_size", "ipc_compression", 30e6, 500, 0.05, tabu),
        new CapacityAdvisor("concurrency"));
  }
}
