package io.pipewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.pipewatch.collector.Collector;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AgentTest {

  private final List<Collector.Ingest> sent = new CopyOnWriteArrayList<>();
  private final Agent agent = Agent.create("svc", sent::add);

  @Test
  void sameNameAndLabelsGiveSameHandleAndLabelOrderDoesNotMatter() {
    Counter a = agent.counter("jobs", "stage", "ocr", "pool", "x");
    Counter b = agent.counter("jobs", "pool", "x", "stage", "ocr");
    Counter c = agent.counter("jobs", "stage", "parse");
    assertThat(a).isSameAs(b).isNotSameAs(c);
    assertThatThrownBy(() -> agent.gauge("jobs", "stage", "ocr", "pool", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered as COUNTER");
    assertThatThrownBy(() -> agent.counter("jobs", "stage"))
        .hasMessageContaining("key, value pairs");
  }

  @Test
  void concurrentIncrementsFromSeveralThreadsSumExactly() throws Exception {
    Counter counter = agent.counter("hits");
    int threads = 4;
    int perThread = 250_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < perThread; i++) {
                  if ((i & 1) == 0) {
                    counter.inc();
                  } else {
                    counter.inc(2);
                  }
                }
              });
      w.start();
      workers.add(w);
    }
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    Collector.Ingest batch = agent.flush(1000);
    Sample s = batch.samples().get(0);
    assertThat(s.kind()).isEqualTo(MetricKind.COUNTER);
    assertThat(s.value()).isEqualTo(threads * (perThread / 2 * 1.0 + perThread / 2 * 2.0));
    assertThat(sent).containsExactly(batch);
  }

  @Test
  void histogramReportsIntervalQuantilesAndRunningCountAndSum() {
    Histogram h = agent.histogram("size", "stage", "ocr");
    for (int v = 1; v <= 1000; v++) {
      h.record(v);
    }
    Sample first = agent.flush(100).samples().get(0);
    assertThat(first.labels()).isEqualTo(Map.of("stage", "ocr"));
    assertThat(first.histogram().count()).isEqualTo(1000);
    assertThat(first.value()).isEqualTo(1000);
    assertThat(first.histogram().sum()).isEqualTo(500_500);
    assertThat(first.histogram().p50()).isCloseTo(500, withinPercentage(1));
    assertThat(first.histogram().p90()).isCloseTo(900, withinPercentage(1));
    assertThat(first.histogram().p99()).isCloseTo(990, withinPercentage(1));
    assertThat(first.histogram().max()).isCloseTo(1000, withinPercentage(1));

    h.record(5_000_000);
    Sample second = agent.flush(200).samples().get(0);
    assertThat(second.histogram().count()).isEqualTo(1001);
    assertThat(second.histogram().p50()).isCloseTo(5_000_000, withinPercentage(1));

    Sample idle = agent.flush(300).samples().get(0);
    assertThat(idle.histogram().count()).isEqualTo(1001);
    assertThat(idle.histogram().p99()).isZero();
  }

  @Test
  void timerAndGaugeAreReported() {
    agent.timer("latency").recordNanos(2_000_000);
    agent.gauge("depth", "queue", "in").set(42.5);
    List<Sample> samples = agent.flush(1).samples();
    assertThat(samples)
        .extracting(Sample::kind)
        .containsExactly(MetricKind.TIMER, MetricKind.GAUGE);
    assertThat(samples.get(0).histogram().max()).isCloseTo(2_000_000, withinPercentage(1));
    assertThat(samples.get(1).value()).isEqualTo(42.5);
  }

  @Test
  void knobValidationNamesTheProblemAndKeepsTheOldValue() {
    List<Double> applied = new ArrayList<>();
    Knob workers = agent.knob(KnobSpec.numeric("workers", "threads", 1, 16, 1, 4), applied::add);
    Knob model =
        agent.knob(
            KnobSpec.categorical("model", "variant", List.of("fast", "accurate"), "fast"),
            applied::add);

    agent.changeSetting("workers", 8);
    agent.changeSetting("model", 1);
    assertThat(workers.value()).isEqualTo(8);
    assertThat(model.value()).isEqualTo(1);
    assertThat(applied).containsExactly(8.0, 1.0);

    assertThatThrownBy(() -> agent.changeSetting("threads", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown knob 'threads'")
        .hasMessageContaining("[model, workers]");
    assertThatThrownBy(() -> agent.changeSetting("workers", 17))
        .hasMessageContaining("out of range [1.0, 16.0]");
    assertThatThrownBy(() -> agent.changeSetting("workers", 2.5))
        .hasMessageContaining("not on the step grid");
    assertThatThrownBy(() -> agent.changeSetting("model", 2))
        .hasMessageContaining("out of range")
        .hasMessageContaining("[fast, accurate]");
    assertThatThrownBy(() -> agent.changeSetting("workers", Double.NaN))
        .hasMessageContaining("finite");
    assertThat(workers.value()).isEqualTo(8);
    assertThat(applied).hasSize(2);
    assertThat(agent.knobs())
        .extracting(KnobSpec::name, KnobSpec::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("model", 1.0),
            org.assertj.core.groups.Tuple.tuple("workers", 8.0));
    assertThatThrownBy(() -> agent.knob(KnobSpec.numeric("workers", "", 1, 2, 1, 1), v -> {}))
        .hasMessageContaining("already registered");
  }

  @Test
  void aFailingListenerLeavesTheValueUnchanged() {
    Knob k =
        agent.knob(
            KnobSpec.numeric("batch", "batch size", 10, 100, 10, 20),
            v -> {
              throw new IllegalStateException("cannot resize now");
            });
    assertThatThrownBy(() -> agent.changeSetting("batch", 30))
        .isInstanceOf(IllegalStateException.class);
    assertThat(k.value()).isEqualTo(20);
  }

  @Test
  void closeSendsAFinalFlushOnce() {
    agent.counter("c").inc(3);
    agent.close();
    agent.close();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).samples().get(0).value()).isEqualTo(3);
  }

  @Test
  void periodicFlusherDeliversBatches() throws Exception {
    CountDownLatch three = new CountDownLatch(3);
    try (Agent a = Agent.create("p", b -> three.countDown())) {
      a.startFlushing(java.time.Duration.ofMillis(5));
      assertThat(three.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
  }
}
