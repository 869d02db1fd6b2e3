package io.pipewatch.bench.collector;

import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.Counter;
import io.pipewatch.collector.agent.Gauge;
import io.pipewatch.collector.agent.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Harness for the agent's share of one core at its 100 ms flush interval (not JMH: it measures the
 * flush at its real pace, after real recording). A service-like agent — {@code counters} labelled
 * counters, as many gauges, {@code timers} timers — records {@code recordsPerInterval} observations
 * per interval, then flushes; each flush is timed in thread CPU time. The share of one core is the
 * median flush cost divided by the interval (recording cost is the service's own and is measured by
 * {@link AgentBenchmark}).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.pipewatch.bench.collector.AgentFlushCost
 * [flushes] [counters] [timers] [recordsPerInterval]} (defaults 600, 30, 10, 2000).
 */
public final class AgentFlushCost {
  private static final long INTERVAL_NANOS = 100_000_000L;

  private AgentFlushCost() {}

  public static void main(String[] args) throws Exception {
    int flushes = args.length > 0 ? Integer.parseInt(args[0]) : 600;
    int counterCount = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int timerCount = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int records = args.length > 3 ? Integer.parseInt(args[3]) : 2000;

    long[] sink = new long[1];
    Agent agent = Agent.create("flush-cost", batch -> sink[0] += batch.samples().size());
    Counter[] counters = new Counter[counterCount];
    Gauge[] gauges = new Gauge[counterCount];
    for (int i = 0; i < counterCount; i++) {
      counters[i] = agent.counter("work_done_total", "kind", "k" + i);
      gauges[i] = agent.gauge("queue_depth", "queue", "q" + i);
    }
    Timer[] timers = new Timer[timerCount];
    for (int i = 0; i < timerCount; i++) {
      timers[i] = agent.timer("step_latency_seconds", "step", "s" + i);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SplittableRandom random = new SplittableRandom(1);
    long[] cost = new long[flushes];
    for (int f = -flushes / 2; f < flushes; f++) { // first half-run warms the JIT
      for (int r = 0; r < records; r++) {
        counters[r % counterCount].inc();
        gauges[r % counterCount].set(r);
        // log-uniform latencies from 10 µs to 1 s
        timers[r % timerCount].recordNanos(
            (long) (1e4 * Math.exp(random.nextDouble() * Math.log(1e5))));
      }
      long start = threads.getCurrentThreadCpuTime();
      agent.flush(System.currentTimeMillis());
      long spent = threads.getCurrentThreadCpuTime() - start;
      if (f >= 0) {
        cost[f] = spent;
      }
    }
    agent.close();
    Arrays.sort(cost);
    long p50 = cost[flushes / 2];
    long p99 = cost[Math.min(flushes - 1, flushes * 99 / 100)];
    System.out.printf(
        "agent with %d counters, %d gauges, %d timers, %d records per interval: flush CPU p50 %.1f us,"
            + " p99 %.1f us; share of one core at 100 ms: %.3f %% (%d samples per flush)%n",
        counterCount,
        counterCount,
        timerCount,
        records,
        p50 / 1e3,
        p99 / 1e3,
        100.0 * p50 / INTERVAL_NANOS,
        sink[0] / (flushes + flushes / 2));
  }
}
