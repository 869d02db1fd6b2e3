package io.pipewatch.simulator;

import java.util.Arrays;
import java.util.List;

/**
 * What the acting faults do to the pipeline, per stage and hop: CPU stolen, service slowed, extra
 * errors and timeouts, stalls, hot-key imbalance, silence, memory leaking; IPC overhead and
 * bandwidth; the database's slowdown. Recomputed from the list of faults whenever one starts or
 * ends and at every tick (a cascade spreads upstream over time); the engine only reads it.
 */
final class FaultEffects {
  /**
   * Share of a stage's documents a load-imbalance fault of intensity 1 sends to one worker (a hot
   * key): at 0.5 a quarter of the traffic, four times the fair share of a 16-worker stage, enough
   * to saturate that worker while the others idle, as a hot key that pages someone does.
   */
  static final double HOT_KEY_SHARE = 0.5;

  private static final int HOPS = Stage.COUNT - 1;

  final double[] cpuSteal = new double[Stage.COUNT];
  final double[] slowFactor = new double[Stage.COUNT];
  final double[] errorExtra = new double[Stage.COUNT];
  final double[] timeoutExtra = new double[Stage.COUNT];
  final boolean[] stalled = new boolean[Stage.COUNT];
  final double[] imbalance = new double[Stage.COUNT];
  final boolean[] silent = new boolean[Stage.COUNT];
  final double[] leakMbPerSecond = new double[Stage.COUNT];
  final double[] ipcOverheadFactor = new double[HOPS];
  final double[] ipcBandwidthFactor = new double[HOPS];
  double dbFactor = 1;

  FaultEffects() {
    reset();
  }

  private void reset() {
    Arrays.fill(cpuSteal, 0);
    Arrays.fill(slowFactor, 1);
    Arrays.fill(errorExtra, 0);
    Arrays.fill(timeoutExtra, 0);
    Arrays.fill(stalled, false);
    Arrays.fill(imbalance, 0);
    Arrays.fill(silent, false);
    Arrays.fill(leakMbPerSecond, 0);
    Arrays.fill(ipcOverheadFactor, 1.0);
    Arrays.fill(ipcBandwidthFactor, 1.0);
    dbFactor = 1;
  }

  /** The effects of the faults acting at {@code now}; a cascade reaches upstream every delay. */
  void recompute(List<InjectedFault> faults, long now, long cascadeDelayNanos) {
    reset();
    for (InjectedFault fault : faults) {
      if (!fault.acting()) {
        continue;
      }
      double i = fault.spec.intensity();
      int s = fault.spec.stage().ordinal();
      switch (fault.spec.kind()) {
        case CPU_SATURATION -> {
          cpuSteal[s] = Math.max(cpuSteal[s], i);
          slowFactor[s] *= 1.0 / (1.0 - 0.8 * i);
        }
        case MEMORY_LEAK -> leakMbPerSecond[s] += 10.0 * i;
        case SLOW_IPC -> {
          ipcOverheadFactor[s] *= 1.0 + 20.0 * i;
          ipcBandwidthFactor[s] /= 1.0 + 9.0 * i;
        }
        case STAGE_STALL -> stalled[s] = true;
        case ERROR_BURST -> errorExtra[s] += 0.5 * i;
        case DB_CONTENTION -> dbFactor *= 1.0 + 9.0 * i;
        case LOAD_IMBALANCE -> imbalance[s] = Math.max(imbalance[s], HOT_KEY_SHARE * i);
        case CASCADING_FAILURE -> {
          slowFactor[s] *= 1.0 + 9.0 * i;
          timeoutExtra[s] += 0.3 * i;
          for (int j = s - 1; j >= 0; j--) {
            if (now >= fault.startNanos + (s - j) * cascadeDelayNanos) {
              slowFactor[j] *= 1.0 + 2.0 * i;
              timeoutExtra[j] += 0.15 * i;
            }
          }
        }
        case SOURCE_SILENT -> silent[s] = true;
      }
    }
  }
}
