package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class PoolRebalancerTest {
  private final PoolRebalancer rebalancer = new PoolRebalancer(0.95, 0.25);

  @Test
  void movesMemoryFromHeadroomToPressureWithinTheBudget() {
    List<Double> next =
        rebalancer.rebalance(
            List.of(
                new PoolRebalancer.Pool("parse", 256, 40, 1024),
                new PoolRebalancer.Pool("embed", 64, 64, 1024)),
            320);

    assertThat(next.get(1)).isGreaterThan(64);
    assertThat(next.get(0)).isGreaterThanOrEqualTo(40 * 1.25).isLessThan(256);
    assertThat(next.get(0) + next.get(1)).isLessThanOrEqualTo(320 + 1e-9);
  }

  @Test
  void neverExceedsTotalCapacityOnRandomPools() {
    Random random = new Random(11);
    for (int trial = 0; trial < 2000; trial++) {
      List<PoolRebalancer.Pool> pools = new ArrayList<>();
      double total = 0;
      int n = 1 + random.nextInt(5);
      for (int i = 0; i < n; i++) {
        double cap = 1 + random.nextInt(1000);
        double used = random.nextBoolean() ? cap : cap * random.nextDouble();
        pools.add(new PoolRebalancer.Pool("p" + i, cap, used, cap * (1 + random.nextInt(4))));
        total += cap;
      }
      double budget = total * (0.8 + 0.6 * random.nextDouble());
      List<Double> next = rebalancer.rebalance(pools, budget);
      double sum = next.stream().mapToDouble(Double::doubleValue).sum();
      assertThat(sum).isLessThanOrEqualTo(Math.max(budget, total) + 1e-6);
      for (int i = 0; i < n; i++) {
        PoolRebalancer.Pool p = pools.get(i);
        assertThat(next.get(i)).isGreaterThanOrEqualTo(Math.min(p.capacity(), p.used()) - 1e-6);
        assertThat(next.get(i)).isLessThanOrEqualTo(Math.max(p.capacity(), p.max()) + 1e-6);
      }
    }
  }
}
