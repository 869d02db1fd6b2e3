package io.pipewatch.optimizer;

import io.pipewatch.collector.Collector;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tees services' metric batches into one {@link ObservationBuilder} per connected source and hands
 * each finished observation to that source's listener (typically its {@link KnobEndpoint}). Batches
 * of sources nobody connected are ignored. Thread-safe; each source's batches must come in order.
 */
public final class ObservationFeed implements Consumer<Collector.Ingest> {
  private final long periodMillis;
  private final Map<String, Connected> sources = new ConcurrentHashMap<>();

  public ObservationFeed(long periodMillis) {
    this.periodMillis = periodMillis;
  }

  /** Hands {@code sourceId}'s observations to {@code listener} from now on. */
  public void connect(String sourceId, Consumer<Observation> listener) {
    sources.put(sourceId, new Connected(new ObservationBuilder(periodMillis), listener));
  }

  @Override
  public void accept(Collector.Ingest batch) {
    Connected c = sources.get(batch.sourceId());
    if (c != null) {
      synchronized (c) {
        c.builder().add(batch).ifPresent(c.listener());
      }
    }
  }

  private record Connected(ObservationBuilder builder, Consumer<Observation> listener) {}
}
