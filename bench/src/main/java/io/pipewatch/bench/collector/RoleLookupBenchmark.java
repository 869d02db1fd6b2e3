package io.pipewatch.bench.collector;

import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.semantics.RoleMatch;
import io.pipewatch.collector.semantics.Semantics;
import io.pipewatch.collector.semantics.SeriesRoles;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost per sample of finding a sample's role: {@code cached} is what the optimizer's observation
 * builder pays per sample ({@link SeriesRoles}: the series at that position checked with {@code
 * equals}, as each batch decodes new {@code Sample} objects of the same series); {@code resolve} is
 * what it would pay asking the conventions every time (the declared/configured/convention chain,
 * string tests on the normalised name). Eight samples of a job service per batch, two batches of
 * equal content alternating so the cache's identity shortcut never applies.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar RoleLookupBenchmark -wi 3 -i 5 -f 1 -w 1s -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoleLookupBenchmark {
  /** Samples per batch. */
  public static final int SAMPLES = 8;

  /** Two batches of equal content, and a warmed cache. */
  @State(Scope.Thread)
  public static class Batches {
    List<Sample> a;
    List<Sample> b;
    public SeriesRoles roles;
    public Semantics semantics;
    boolean flip;

    @Setup
    public void setUp() {
      a = batch();
      b = batch();
      semantics = Semantics.defaults();
      roles = new SeriesRoles(semantics);
      for (int i = 0; i < SAMPLES; i++) {
        roles.of(i, a.get(i));
      }
    }

    /** The other batch than last time. */
    public List<Sample> next() {
      flip = !flip;
      return flip ? a : b;
    }

    static List<Sample> batch() {
      Map<String, String> labels = Map.of("pool", "render", "region", "eu-west-1");
      return List.of(
          Sample.counter(new String("jobs_submitted_total"), labels, 1),
          Sample.counter(new String("jobs_completed_total"), labels, 1),
          Sample.counter(new String("jobs_rejected_total"), labels, 1),
          Sample.gauge(new String("job_queue_length"), labels, 1),
          Sample.gauge(new String("job_queue_limit"), labels, 1),
          Sample.gauge(new String("worker_threads"), labels, 1),
          Sample.gauge(new String("go_goroutines"), labels, 1),
          new Sample(
              new String("job_duration_seconds"),
              labels,
              MetricKind.HISTOGRAM,
              1,
              new HistogramValue(1, 1, 1, 1, 1, 1, 1)));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void cached(Batches s, Blackhole bh) {
    List<Sample> batch = s.next();
    for (int i = 0; i < SAMPLES; i++) {
      RoleMatch m = s.roles.of(i, batch.get(i));
      bh.consume(m);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void resolve(Batches s, Blackhole bh) {
    List<Sample> batch = s.next();
    for (int i = 0; i < SAMPLES; i++) {
      bh.consume(s.semantics.resolve(batch.get(i)));
    }
  }
}
