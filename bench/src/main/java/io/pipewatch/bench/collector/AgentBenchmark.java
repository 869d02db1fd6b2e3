package io.pipewatch.bench.collector;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pipewatch.collector.agent.Agent;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The agent's hot paths beside Prometheus client_java 1.x and Micrometer doing the same operations
 * in the same run: a labelled counter increment and a histogram/summary record with quantiles, each
 * handle resolved once in setup (one nested {@code @State} per library, shared by all benchmark
 * threads so 2 threads contend on the same metric). Run with {@code -t 1} and {@code -t 2}.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar 'collector.AgentBenchmark' -wi 3 -i 5 -f 1 -t 1
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AgentBenchmark {

  /** Values to record, so histograms do not hit one bucket only (1 µs .. ~1 s in ns). */
  @State(Scope.Thread)
  public static class Values {
    final long[] values = new long[4096];
    int i;

    @Setup
    public void setup() {
      SplittableRandom r = new SplittableRandom(42);
      for (int k = 0; k < values.length; k++) {
        values[k] = 1_000L + (long) Math.exp(r.nextDouble() * Math.log(1_000_000_000.0));
      }
    }

    long next() {
      return values[i++ & 4095];
    }
  }

  @State(Scope.Benchmark)
  public static class Pipewatch {
    Agent agent;
    io.pipewatch.collector.agent.Counter counter;
    io.pipewatch.collector.agent.Histogram histogram;

    @Setup
    public void setup() {
      agent = Agent.create("bench", b -> {});
      counter = agent.counter("requests", "stage", "ocr");
      histogram = agent.histogram("latency", "stage", "ocr");
    }

    @TearDown
    public void tearDown() {
      agent.close();
    }
  }

  @State(Scope.Benchmark)
  public static class ClientJava {
    io.prometheus.metrics.core.datapoints.CounterDataPoint counter;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint histogram;

    @Setup
    public void setup() {
      counter =
          io.prometheus.metrics.core.metrics.Counter.builder()
              .name("requests")
              .labelNames("stage")
              .build()
              .labelValues("ocr");
      histogram =
          io.prometheus.metrics.core.metrics.Summary.builder()
              .name("latency")
              .labelNames("stage")
              .quantile(0.5, 0.01)
              .quantile(0.9, 0.01)
              .quantile(0.95, 0.005)
              .quantile(0.99, 0.001)
              .build()
              .labelValues("ocr");
    }
  }

  @State(Scope.Benchmark)
  public static class ClientJavaHistogram {
    io.prometheus.metrics.core.datapoints.DistributionDataPoint histogram;

    @Setup
    public void setup() {
      histogram =
          io.prometheus.metrics.core.metrics.Histogram.builder()
              .name("latency_h")
              .labelNames("stage")
              .build()
              .labelValues("ocr");
    }
  }

  @State(Scope.Benchmark)
  public static class Micrometer {
    io.micrometer.core.instrument.Counter counter;
    DistributionSummary histogram;

    @Setup
    public void setup() {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      counter = registry.counter("requests", "stage", "ocr");
      histogram =
          DistributionSummary.builder("latency")
              .tag("stage", "ocr")
              .publishPercentiles(0.5, 0.9, 0.95, 0.99)
              .register(registry);
    }
  }

  @Benchmark
  public void counterIncPipewatch(Pipewatch p) {
    p.counter.inc();
  }

  @Benchmark
  public void counterIncClientJava(ClientJava c) {
    c.counter.inc();
  }

  @Benchmark
  public void counterIncMicrometer(Micrometer m) {
    m.counter.increment();
  }

  @Benchmark
  public void histogramRecordPipewatch(Pipewatch p, Values v) {
    p.histogram.record(v.next());
  }

  /** client_java Summary with the same four quantiles (its quantile-keeping equivalent). */
  @Benchmark
  public void histogramRecordClientJavaSummary(ClientJava c, Values v) {
    c.histogram.observe(v.next());
  }

  /** client_java Histogram with its defaults (classic + native buckets, no quantiles). */
  @Benchmark
  public void histogramRecordClientJavaHistogram(ClientJavaHistogram c, Values v) {
    c.histogram.observe(v.next());
  }

  /** Micrometer DistributionSummary publishing the same four percentiles. */
  @Benchmark
  public void histogramRecordMicrometer(Micrometer m, Values v) {
    m.histogram.record(v.next());
  }
}
