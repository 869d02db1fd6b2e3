package io.pipewatch.collector.agent;

import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonically increasing count, written by application threads. Increments go into a {@link
 * LongAdder}: striped cells, one per contending thread, summed only when the agent flushes, so
 * concurrent writers do not fight over one cache line and nothing is allocated or locked once the
 * cells exist. The agent reports the running total; the collector turns totals into rates.
 *
 * <pre>{@code
 * Counter done = agent.counter("documents_processed", "stage", "ocr");
 * done.inc();
 * }</pre>
 */
public final class Counter {
  private final LongAdder cells = new LongAdder();

  Counter() {}

  /** Adds one. */
  public void inc() {
    cells.increment();
  }

  /** Adds {@code n}; a negative {@code n} is ignored (a counter never goes down). */
  public void inc(long n) {
    if (n > 0) {
      cells.add(n);
    }
  }

  /** The total since creation (sums the cells; used by flush). */
  long total() {
    return cells.sum();
  }
}
