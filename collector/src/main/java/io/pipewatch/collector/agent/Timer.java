package io.pipewatch.collector.agent;

/**
 * A histogram of durations in nanoseconds.
 *
 * <pre>{@code
 * Timer t = agent.timer("ocr_latency", "stage", "ocr");
 * long start = System.nanoTime();
 * work();
 * t.recordNanos(System.nanoTime() - start);
 * }</pre>
 */
public final class Timer {
  private final Histogram histogram = new Histogram();

  Timer() {}

  /** Records one duration in nanoseconds. */
  public void recordNanos(long nanos) {
    histogram.record(nanos);
  }

  Histogram histogram() {
    return histogram;
  }
}
