package io.pipewatch.analyzer;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per sample of the analyzer's classification of one source ({@link SourceAnalysis}, the plain
 * class inside {@code BottleneckAnalyzer}; this benchmark lives in its package to reach it): one
 * snapshot of eight series through the default rules (thresholds, regressions, forecasts, the
 * growth rules), series detectors included, divided by eight. {@code scheme = roles}: a job service
 * whose series are mapped by their roles (no dimension-table row names them); {@code scheme =
 * table}: eight series of the demo pipeline, mapped by the table rows, as before roles existed.
 * Series are resolved once (first snapshot, in setup); the figure is the steady state. The
 * snapshots are built in setup (32,768 of them, 100 ms apart); when they run out a new analysis
 * starts over them (once per 32,768 calls), so the benchmark allocates nothing of its own.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SourceAnalysisBenchmark -wi 3 -i 5 -f 1 -w 1s -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SourceAnalysisBenchmark {
  static final int SERIES = 8;
  static final int SNAPSHOTS = 1 << 15;

  /** An analysis past its warm-up, and snapshots to feed it. */
  @State(Scope.Thread)
  public static class Source {
    @Param({"roles", "table"})
    public String scheme;

    SourceAnalysis analysis;
    SourceSnapshot[] snapshots;
    int next;
    final SourceAnalysis.Listener quiet =
        new SourceAnalysis.Listener() {
          @Override
          public void detected(Bottleneck b) {}

          @Override
          public void updated(Bottleneck b) {}

          @Override
          public void resolved(Bottleneck b) {}
        };

    @Setup
    public void setUp() {
      analysis = new SourceAnalysis("bench", AnalyzerSettings.create(ConfigFactory.load()));
      String[] names =
          scheme.equals("roles")
              ? new String[] {
                "jobs_submitted_total", "jobs_completed_total", "jobs_rejected_total",
                "job_queue_length", "job_queue_limit", "worker_threads",
                "job_duration_seconds_p95", "job_duration_seconds_p99"
              }
              : new String[] {
                "pipeline_documents_received_total", "pipeline_documents_processed_total",
                "pipeline_stage_errors_total", "pipeline_stage_queue_depth",
                "pipeline_stage_queue_capacity", "pipeline_stage_cpu_usage_ratio",
                "pipeline_stage_latency_seconds_p95", "pipeline_stage_latency_seconds_p99"
              };
      MetricKind[] kinds = {
        MetricKind.COUNTER, MetricKind.COUNTER, MetricKind.COUNTER, MetricKind.GAUGE,
        MetricKind.GAUGE, MetricKind.GAUGE, MetricKind.HISTOGRAM, MetricKind.HISTOGRAM
      };
      double[] levels = {200, 200, 0.5, 20, 2000, 0.4, 0.02, 0.03};
      Random random = new Random(1);
      snapshots = new SourceSnapshot[SNAPSHOTS];
      for (int s = 0; s < SNAPSHOTS; s++) {
        long t = 1_000_000 + 100L * s;
        List<SeriesPoint> points = new ArrayList<>(SERIES);
        for (int i = 0; i < SERIES; i++) {
          double v = levels[i] * (1 + 0.05 * random.nextGaussian());
          points.add(new SeriesPoint(names[i], names[i], Map.of(), kinds[i], v, t));
        }
        snapshots[s] = new SourceSnapshot("bench", t, false, 0, points, List.of());
      }
      restart();
    }

    private void restart() {
      analysis = new SourceAnalysis("bench", AnalyzerSettings.create(ConfigFactory.load()));
      next = 0;
      for (int i = 0; i < 600; i++) {
        feed();
      }
    }

    void feed() {
      if (next == SNAPSHOTS) {
        restart();
      }
      analysis.onSnapshot(snapshots[next++], quiet);
    }
  }

  @Benchmark
  @OperationsPerInvocation(SERIES)
  public void snapshot(Source s) {
    s.feed();
  }
}
