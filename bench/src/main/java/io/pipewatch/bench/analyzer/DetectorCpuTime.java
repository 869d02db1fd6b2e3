package io.pipewatch.bench.analyzer;

import com.sun.management.ThreadMXBean;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.detect.DetectorSettings;
import io.pipewatch.analyzer.detect.SeriesDetector;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Per-sample cost of one {@link SeriesDetector} as <em>thread CPU time</em> and bytes allocated by
 * the thread, beside wall time: on a shared machine JMH's wall-clock figures include the time the
 * benchmark thread waits for a core (at load 30 on 2 cores, most of it), the thread's CPU time does
 * not. The input is {@link SeriesDetectorBenchmark}'s (a daily shape of 288 slots, unit noise, rare
 * spikes); six rounds of {@code n} samples, the first one including JIT compilation.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.pipewatch.bench.analyzer.DetectorCpuTime [n] [stepMillis]
 * </pre>
 *
 * <p>{@code stepMillis} 100 (default) is the collector's interval (seasonal detector off), 300000 a
 * 5-minute series (seasonal detector on).
 */
public final class DetectorCpuTime {
  private static final int VALUES = 1 << 16;

  private DetectorCpuTime() {}

  public static void main(String[] args) {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
    long step = args.length > 1 ? Long.parseLong(args[1]) : 100L;
    SeriesDetector detector = SeriesDetector.create(DetectorSettings.create(ConfigFactory.load()));
    double[] values = SeriesDetectorBenchmark.dailyShape(VALUES);
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long time = 0;
    double sum = 0.0;
    for (int round = 0; round < 6; round++) {
      long cpu0 = mx.getCurrentThreadCpuTime();
      long alloc0 = mx.getCurrentThreadAllocatedBytes();
      long wall0 = System.nanoTime();
      for (long i = 0; i < n; i++) {
        time += step;
        sum += detector.update(time, values[(int) (i & (VALUES - 1))]);
      }
      long wall1 = System.nanoTime();
      long alloc1 = mx.getCurrentThreadAllocatedBytes();
      long cpu1 = mx.getCurrentThreadCpuTime();
      System.out.printf(
          Locale.ROOT,
          "round %d: thread CPU %.1f ns/sample, wall %.1f ns/sample, allocated %.4f B/sample%n",
          round,
          (cpu1 - cpu0) / (double) n,
          (wall1 - wall0) / (double) n,
          (alloc1 - alloc0) / (double) n);
    }
    System.out.printf(Locale.ROOT, "(checksum %.3f)%n", sum);
  }
}
