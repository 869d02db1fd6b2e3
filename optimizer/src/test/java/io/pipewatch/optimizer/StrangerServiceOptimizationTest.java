package io.pipewatch.optimizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.agent.KnobKind;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.OptimizerEvent.ChangeKept;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The closed loop on services it has never seen, in simulated time with the default optimizer
 * settings in auto mode: a job service whose throughput really depends on its worker count (a
 * bounded queue, more work arriving than one worker completes). Under the first naming scheme the
 * knob is {@code workers} with no declared kind (a concurrency knob by its name: the USL strategy);
 * under the second it is {@code render_lanes}, declared a plain {@code numeric} knob (the step
 * search). Either way a change that raises measured throughput is kept within 10 minutes, and the
 * service applies what the loop sends.
 */
class StrangerServiceOptimizationTest {

  enum Scheme {
    JOBS(
        "workers",
        null,
        "jobs_submitted_total",
        "jobs_completed_total",
        "jobs_rejected_total",
        "job_queue_length",
        "job_queue_limit",
        "job_duration_seconds"),
    FRAMES(
        "render_lanes",
        KnobKind.NUMERIC,
        "frames_received_total",
        "frames_done_total",
        "frames_failed_total",
        "frame_queue_depth",
        "frame_queue_capacity",
        "frame_render_latency_seconds");

    final String knob;
    final KnobKind kind;
    final String arrivals;
    final String completed;
    final String rejected;
    final String queue;
    final String limit;
    final String latency;

    Scheme(
        String knob,
        KnobKind kind,
        String arrivals,
        String completed,
        String rejected,
        String queue,
        String limit,
        String latency) {
      this.knob = knob;
      this.kind = kind;
      this.arrivals = arrivals;
      this.completed = completed;
      this.rejected = rejected;
      this.queue = queue;
      this.limit = limit;
      this.latency = latency;
    }
  }

  @ParameterizedTest
  @EnumSource(Scheme.class)
  void aChangeThatRaisesThroughputIsKeptWithinTenMinutes(Scheme scheme) throws Exception {
    OptimizerSettings settings =
        OptimizerSettings.create(
            ConfigFactory.parseString("pipewatch.optimizer.default-mode = auto")
                .withFallback(ConfigFactory.load()));
    ChangeLoop loop = new ChangeLoop("stranger", settings, Strategies.defaults(settings));
    ObservationBuilder builder = new ObservationBuilder(settings.observationPeriod().toMillis());
    JobService service = new JobService(scheme, new Random(11));
    OptimizerState state = OptimizerState.empty();
    List<OptimizerEvent> journal = new ArrayList<>();
    long start = 1_700_000_000_000L;
    long now = start;
    ChangeKept kept = null;
    while (kept == null && now - start < 600_000) {
      now += 100;
      Collector.Ingest batch = service.tick(now);
      state =
          handle(
              loop,
              state,
              loop.onReport(state, List.of(service.knob()), now),
              service,
              now,
              journal);
      var o = builder.add(batch);
      if (o.isPresent()) {
        state = handle(loop, state, loop.onObservation(state, o.get()), service, now, journal);
      }
      for (OptimizerEvent e : journal) {
        if (e instanceof ChangeKept k) {
          kept = k;
        }
      }
    }
    assertThat(kept)
        .as("a kept change within 10 simulated minutes; journal %s", journal)
        .isNotNull();
    assertThat(kept.evaluation().throughputAfter())
        .isGreaterThan(kept.evaluation().throughputBefore());
    assertThat(service.workers).isGreaterThan(1);
    // the measured figures, for docs/benchmarks.md
    java.nio.file.Files.writeString(
        java.nio.file.Path.of("target", "stranger-optimization-" + scheme + ".txt"),
        String.format(
            java.util.Locale.ROOT,
            "%s (%s): kept %.0f s after the first batch, workers now %d,"
                + " throughput %.1f -> %.1f per second (%s)%n",
            scheme.knob,
            service.knob().kind().id(),
            (kept.atMillis() - start) / 1000.0,
            service.workers,
            kept.evaluation().throughputBefore(),
            kept.evaluation().throughputAfter(),
            kept.evaluation().reason()));
  }

  private static OptimizerState handle(
      ChangeLoop loop,
      OptimizerState state,
      ChangeLoop.Step step,
      JobService service,
      long now,
      List<OptimizerEvent> journal) {
    for (OptimizerEvent e : step.events()) {
      state = state.apply(e);
      journal.add(e);
    }
    for (ChangeLoop.Send send : step.sends()) {
      assertThat(send.knob()).isEqualTo(service.scheme.knob);
      service.workers = (int) send.value();
      for (OptimizerEvent e :
          loop.onAck(state, send.changeId(), send.knob(), send.value(), now).events()) {
        state = state.apply(e);
        journal.add(e);
      }
    }
    return state;
  }

  /**
   * 300 jobs a second arrive; each of {@code workers} completes 260 a second, less as workers
   * contend (throughput {@code 260 n / (1 + 0.08 (n - 1))}); the rest waits in a queue of 2,000,
   * beyond which jobs are rejected. Reports cumulative counters, the queue and its limit, and a
   * summary of job durations, every 100 ms.
   */
  static final class JobService {
    final Scheme scheme;
    final Random random;
    int workers = 1;
    double queue;
    double submitted;
    double completed;
    double rejected;
    long durations;
    double durationSum;

    JobService(Scheme scheme, Random random) {
      this.scheme = scheme;
      this.random = random;
    }

    KnobSpec knob() {
      return KnobSpec.numeric(scheme.knob, "worker threads", 1, 16, 1, workers)
          .withKind(scheme.kind);
    }

    Collector.Ingest tick(long now) {
      double capacity = 260 * workers / (1 + 0.08 * (workers - 1)) * 0.1;
      double in = Math.max(0, Math.round(30 + Math.sqrt(30) * random.nextGaussian()));
      double done =
          Math.min(queue + in, Math.max(0, capacity + Math.sqrt(capacity) * random.nextGaussian()));
      queue += in - done;
      double over = Math.max(0, queue - 2_000);
      queue -= over;
      submitted += in;
      completed += done;
      rejected += over;
      double wait = queue / (capacity * 10);
      double p99 = wait + 0.03;
      durations += (long) done;
      durationSum += done * (wait + 0.008);
      return new Collector.Ingest(
          "stranger",
          now,
          List.of(
              Sample.counter(scheme.arrivals, Map.of(), submitted),
              Sample.counter(scheme.completed, Map.of(), completed),
              Sample.counter(scheme.rejected, Map.of(), rejected),
              Sample.gauge(scheme.queue, Map.of(), queue),
              Sample.gauge(scheme.limit, Map.of(), 2_000),
              new Sample(
                  scheme.latency,
                  Map.of(),
                  MetricKind.HISTOGRAM,
                  durations,
                  new HistogramValue(
                      durations,
                      durationSum,
                      wait + 0.008,
                      wait + 0.015,
                      wait + 0.02,
                      p99,
                      p99 + 0.01))));
    }
  }
}
