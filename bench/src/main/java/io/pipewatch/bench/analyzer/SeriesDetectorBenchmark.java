package io.pipewatch.bench.analyzer;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.detect.DetectorSettings;
import io.pipewatch.analyzer.detect.SeriesDetector;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of one sample of one series in the analyzer's {@link SeriesDetector} (target: under 1 µs).
 *
 * <ul>
 *   <li>{@code pipeline100ms}: a 100 ms series, the collector's cadence; the daily-seasonal
 *       detector is off (a day is 864,000 samples), everything else runs.
 *   <li>{@code seasonal5min}: a 5-minute series with a daily shape, so every detector runs,
 *       including the seasonal forecast (two medians of three, two robust scales) — the worst case.
 *   <li>{@code naiveSortedMedianMad}: the alternative the sorted window replaces, copying and
 *       sorting the 200 values twice per sample for median and MAD, for scale.
 * </ul>
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SeriesDetectorBenchmark -wi 3 -i 5 -f 1 -w 1s -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeriesDetectorBenchmark {
  private static final int VALUES = 1 << 16;

  /**
   * The benchmarks' input: {@code n} values of a daily shape of 288 slots (20, then 80 in the
   * middle of the day), unit Gaussian noise and a 30-point spike one sample in a thousand; the same
   * values on every call (seed 1).
   */
  static double[] dailyShape(int n) {
    double[] values = new double[n];
    Random random = new Random(1);
    for (int i = 0; i < n; i++) {
      int slot = i % 288;
      values[i] =
          (slot > 96 && slot < 216 ? 80.0 : 20.0)
              + random.nextGaussian()
              + (random.nextDouble() < 0.001 ? 30.0 : 0.0);
    }
    return values;
  }

  /** A detector that has seen a few days of a series, and more of its values to feed. */
  @State(Scope.Thread)
  public static class Pipeline {
    SeriesDetector detector;
    double[] values;
    long step;
    long time;
    int next;

    @Setup
    public void setUp() {
      setUp(100L);
    }

    void setUp(long stepMillis) {
      step = stepMillis;
      detector = SeriesDetector.create(DetectorSettings.create(ConfigFactory.load()));
      values = dailyShape(VALUES);
      for (int i = 0; i < 3 * 288 + 500; i++) {
        next();
      }
    }

    double next() {
      double v = values[next];
      next = (next + 1) & (VALUES - 1);
      time += step;
      return detector.update(time, v);
    }
  }

  /** The same with a 5-minute step: the seasonal detector is on. */
  @State(Scope.Thread)
  public static class Seasonal extends Pipeline {
    @Setup
    @Override
    public void setUp() {
      setUp(300_000L);
    }
  }

  /** A 200-value window whose median and MAD are recomputed by sorting copies. */
  @State(Scope.Thread)
  public static class Naive {
    final double[] ring = new double[200];
    final double[] scratch = new double[200];
    double[] values;
    int next;
    int slot;

    @Setup
    public void setUp() {
      Random random = new Random(1);
      values = new double[VALUES];
      for (int i = 0; i < VALUES; i++) {
        values[i] = random.nextGaussian();
      }
      for (int i = 0; i < ring.length; i++) {
        ring[i] = values[i];
      }
    }

    double next() {
      double x = values[next];
      next = (next + 1) & (VALUES - 1);
      System.arraycopy(ring, 0, scratch, 0, ring.length);
      Arrays.sort(scratch);
      double median = 0.5 * (scratch[99] + scratch[100]);
      for (int i = 0; i < ring.length; i++) {
        scratch[i] = Math.abs(ring[i] - median);
      }
      Arrays.sort(scratch);
      double mad = 0.5 * (scratch[99] + scratch[100]);
      ring[slot] = x;
      slot = slot + 1 == ring.length ? 0 : slot + 1;
      return (x - median) / (1.4826 * mad);
    }
  }

  @Benchmark
  public double pipeline100ms(Pipeline state) {
    return state.next();
  }

  @Benchmark
  public double seasonal5min(Seasonal state) {
    return state.next();
  }

  @Benchmark
  public double naiveSortedMedianMad(Naive state) {
    return state.next();
  }
}
