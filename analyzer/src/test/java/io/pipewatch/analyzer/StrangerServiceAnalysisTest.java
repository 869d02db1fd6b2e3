package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.SeriesPoint;
import io.pipewatch.collector.SourceSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Services Pipewatch has never seen, under two naming schemes that share nothing with the demo: a
 * job service with a bounded queue whose arrivals exceed what its workers complete. The queue
 * bottleneck must open within 5 s of the queue starting to grow, from roles alone (no dimension
 * table row names these series), with evidence naming the service's own series; nothing opens while
 * the service keeps up.
 */
class StrangerServiceAnalysisTest {

  /** Two naming schemes; the second declares one of its roles on the sample, as a service may. */
  enum Scheme {
    JOBS(
        "jobs_submitted_total",
        "jobs_completed_total",
        "jobs_rejected_total",
        "job_queue_length",
        "job_queue_limit",
        "worker_threads",
        "job_duration_seconds",
        null),
    FRAMES(
        "frames_received_total",
        "frames_done_total",
        "frames_failed_total",
        "render_backlog",
        "render_backlog_bound",
        "renderer_busy",
        "frame_render_latency_seconds",
        "queue-length");

    final String arrivals;
    final String completed;
    final String failed;
    final String queue;
    final String limit;
    final String workers;
    final String latency;
    final String declaredQueueRole;

    Scheme(
        String arrivals,
        String completed,
        String failed,
        String queue,
        String limit,
        String workers,
        String latency,
        String declaredQueueRole) {
      this.arrivals = arrivals;
      this.completed = completed;
      this.failed = failed;
      this.queue = queue;
      this.limit = limit;
      this.workers = workers;
      this.latency = latency;
      this.declaredQueueRole = declaredQueueRole;
    }
  }

  private final AnalyzerSettings settings = AnalyzerSettings.create(AnalyzerSettingsTest.with(""));
  private final List<Bottleneck> detected = new ArrayList<>();
  private final SourceAnalysis.Listener listener =
      new SourceAnalysis.Listener() {
        @Override
        public void detected(Bottleneck b) {
          detected.add(b);
        }

        @Override
        public void updated(Bottleneck b) {}

        @Override
        public void resolved(Bottleneck b) {}
      };

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void aGrowingQueueOpensAQueueBottleneckWithinFiveSeconds(Scheme scheme) {
    SourceAnalysis analysis = new SourceAnalysis("stranger", settings);
    JobService service = new JobService(scheme, 2_000, 1, 260, new Random(7));
    long now = 1_000_000;
    // 30 s keeping up (past the analyzer's 20 s warm-up), then more work than it can do
    for (int i = 0; i < 300; i++) {
      now += 100;
      analysis.onSnapshot(service.tick(now, 200), listener);
    }
    assertThat(detected).as("nothing while the service keeps up").isEmpty();
    long growthStart = now;
    while (detected.isEmpty() && now - growthStart < 20_000) {
      now += 100;
      analysis.onSnapshot(service.tick(now, 300), listener);
    }
    assertThat(detected).isNotEmpty();
    Bottleneck b = detected.get(0);
    assertThat(b.kind()).isEqualTo(BottleneckKind.QUEUE);
    assertThat(b.openedMillis() - growthStart).isLessThanOrEqualTo(5_000);
    assertThat(b.impact()).isPositive();
    assertThat(b.evidence()).isNotEmpty();
    assertThat(b.evidence().get(0).seriesId()).startsWith(scheme.queue);
    assertThat(service.queue).isLessThan(2_000); // found long before the queue is full
  }

  @org.junit.jupiter.api.Test
  void aKafkaConsumerFallingBehindOpensAQueueBottleneckFromItsLag() {
    SourceAnalysis analysis = new SourceAnalysis("billing-consumer", settings);
    Map<String, String> labels = Map.of("consumergroup", "billing", "topic", "invoices");
    String id = SeriesPoint.id("kafka_consumergroup_lag", labels);
    Random random = new Random(3);
    long now = 1_000_000;
    double lag = 50;
    for (int i = 0; i < 600; i++) {
      now += 100;
      // keeping up for 30 s (lag wobbles around 50), then 200 records a second more than it reads
      lag = i < 300 ? 50 + 10 * random.nextGaussian() : lag + 20 + 5 * random.nextGaussian();
      SeriesPoint p =
          new SeriesPoint(id, "kafka_consumergroup_lag", labels, MetricKind.GAUGE, lag, now);
      analysis.onSnapshot(
          new SourceSnapshot("billing-consumer", now, false, 0, List.of(p), List.of()), listener);
      if (i == 299) {
        assertThat(detected).isEmpty();
      }
    }
    assertThat(detected).hasSize(1);
    assertThat(detected.get(0).kind()).isEqualTo(BottleneckKind.QUEUE);
    assertThat(detected.get(0).evidence().get(0).rule()).isEqualTo("consumer-lag-growth");
    assertThat(detected.get(0).evidence().get(0).seriesId()).isEqualTo(id);
  }

  /**
   * A job service in simulated time: {@code arrivals} per second come in (Poisson), {@code workers}
   * each complete {@code perWorker} per second, the rest waits in a queue of {@code limit}; beyond
   * it work is rejected. Reports what its collector would store: counter rates, gauges, the p95/p99
   * of job durations.
   */
  static final class JobService {
    final Scheme scheme;
    final double limit;
    final int workers;
    final double perWorker;
    final Random random;
    double queue;

    JobService(Scheme scheme, double limit, int workers, double perWorker, Random random) {
      this.scheme = scheme;
      this.limit = limit;
      this.workers = workers;
      this.perWorker = perWorker;
      this.random = random;
    }

    SourceSnapshot tick(long now, double arrivalsPerSecond) {
      double in = poisson(arrivalsPerSecond * 0.1);
      double capacity = workers * perWorker * 0.1;
      double done = Math.min(queue + in, poisson(capacity));
      queue = queue + in - done;
      double rejected = Math.max(0, queue - limit);
      queue -= rejected;
      double service = 1.0 / perWorker;
      double wait = queue / (workers * perWorker);
      double p95 = wait + 2 * service * (1 + 0.1 * random.nextGaussian());
      double p99 = wait + 3 * service * (1 + 0.1 * random.nextGaussian());
      List<SeriesPoint> points = new ArrayList<>();
      points.add(point(scheme.arrivals, MetricKind.COUNTER, in * 10, now));
      points.add(point(scheme.completed, MetricKind.COUNTER, done * 10, now));
      points.add(point(scheme.failed, MetricKind.COUNTER, rejected * 10, now));
      points.add(point(scheme.queue, MetricKind.GAUGE, queue, now));
      points.add(point(scheme.limit, MetricKind.GAUGE, limit, now));
      points.add(point(scheme.workers, MetricKind.GAUGE, workers, now));
      points.add(point(scheme.latency + "_p95", MetricKind.HISTOGRAM, Math.max(p95, 0), now));
      points.add(point(scheme.latency + "_p99", MetricKind.HISTOGRAM, Math.max(p99, p95), now));
      List<Sample> latest =
          List.of(
              new Sample(
                  scheme.queue,
                  Map.of(),
                  MetricKind.GAUGE,
                  queue,
                  null,
                  scheme.declaredQueueRole,
                  null));
      return new SourceSnapshot("stranger", now, false, 0, points, latest);
    }

    private double poisson(double mean) {
      // normal approximation, fine for means of 10 and more per interval
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }

    private static SeriesPoint point(String name, MetricKind kind, double value, long now) {
      return new SeriesPoint(name, name, Map.of(), kind, value, now);
    }
  }
}
