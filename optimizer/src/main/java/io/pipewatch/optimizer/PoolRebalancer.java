package io.pipewatch.optimizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Moves memory between pools that share one budget: from pools with headroom (used well below
 * capacity) to pools under pressure (used at capacity), never below what a pool uses plus a margin,
 * never above the budget in total. Pools whose needs are met keep what they have.
 */
public final class PoolRebalancer {
  private final double pressure;
  private final double margin;

  /**
   * @param pressure a pool using at least this share of its capacity is under pressure (e.g. 0.95)
   * @param margin a donor keeps its use times (1 + margin)
   */
  public PoolRebalancer(double pressure, double margin) {
    this.pressure = pressure;
    this.margin = margin;
  }

  /** One pool: its name, current capacity, current use, and the most it may grow to. */
  public record Pool(String name, double capacity, double used, double max) {}

  /**
   * New capacities, in the order of {@code pools}, whose sum is at most {@code budget} (and at most
   * the sum of the current capacities if that is already above the budget). A pool under pressure
   * asks to double; donors give what they do not need.
   */
  public List<Double> rebalance(List<Pool> pools, double budget) {
    int n = pools.size();
    double[] next = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      next[i] = pools.get(i).capacity();
      total += next[i];
    }
    double free = Math.max(0, budget - total);
    double spare = 0;
    double[] give = new double[n];
    double wanted = 0;
    double[] want = new double[n];
    for (int i = 0; i < n; i++) {
      Pool p = pools.get(i);
      if (p.used() >= pressure * p.capacity()) {
        want[i] = Math.max(0, Math.min(p.max(), 2 * p.capacity()) - p.capacity());
        wanted += want[i];
      } else {
        give[i] = Math.max(0, p.capacity() - p.used() * (1 + margin));
        spare += give[i];
      }
    }
    double available = Math.min(wanted, free + spare);
    if (available <= 0) {
      return toList(next);
    }
    double fromDonors = Math.max(0, available - free);
    for (int i = 0; i < n; i++) {
      if (want[i] > 0) {
        next[i] += available * want[i] / wanted;
      } else if (give[i] > 0 && spare > 0) {
        next[i] -= fromDonors * give[i] / spare;
      }
    }
    return toList(next);
  }

  private static List<Double> toList(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }
}
