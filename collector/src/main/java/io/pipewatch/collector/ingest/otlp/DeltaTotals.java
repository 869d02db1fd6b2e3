package io.pipewatch.collector.ingest.otlp;

import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Running totals of OTLP delta points on this node: Pipewatch stores counters and histogram
 * count/sum as totals since the series began, so a delta sum's value (or a delta histogram's count
 * and sum) is added to what the series had. {@link #apply} adds a batch's deltas and returns the
 * batch with totals; {@link Applied#undo()} takes them back out when the batch was not stored, so a
 * refused request can be sent again. Holds at most {@code maxSeries} series and forgets the least
 * recently used one beyond (its next total restarts from its delta, which the collector reads as a
 * counter reset). A source whose requests land on different nodes keeps one total per node: route a
 * delta exporter to one node, or use cumulative temporality. Thread-safe.
 *
 * <pre>{@code
 * DeltaTotals.Applied applied = totals.apply(batch);
 * store(applied.ingest()).whenComplete((ok, error) -> { if (!stored) applied.undo(); });
 * }</pre>
 */
public final class DeltaTotals {

  /** A batch with totals in place of deltas, and the way to take the deltas back out. */
  public interface Applied {
    /** The batch to store. */
    io.pipewatch.collector.Collector.Ingest ingest();

    /** Removes this batch's deltas from the totals (call once, when the batch was not stored). */
    void undo();
  }

  private record Key(String source, String name, Map<String, String> labels) {}

  private final int maxSeries;
  private final LinkedHashMap<Key, double[]> totals;

  /** Totals for at most {@code maxSeries} series. */
  public DeltaTotals(int maxSeries) {
    this.maxSeries = maxSeries;
    this.totals =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, double[]> eldest) {
            return size() > DeltaTotals.this.maxSeries;
          }
        };
  }

  /** Adds the deltas of {@code batch} to the totals; its other points pass unchanged. */
  public Applied apply(OtlpDecoder.Batch batch) {
    var ingest = batch.ingest();
    List<Sample> out = new ArrayList<>(ingest.samples().size());
    List<Runnable> undo = new ArrayList<>();
    synchronized (totals) {
      for (int i = 0; i < ingest.samples().size(); i++) {
        Sample s = ingest.samples().get(i);
        if (!batch.meta().get(i).delta()) {
          out.add(s);
          continue;
        }
        Key key = new Key(ingest.sourceId(), s.name(), s.labels());
        double[] total = totals.computeIfAbsent(key, k -> new double[2]);
        HistogramValue h = s.histogram();
        double dValue = h == null ? s.value() : h.count();
        double dSum = h == null ? 0 : h.sum();
        total[0] += dValue;
        total[1] += dSum;
        undo.add(
            () -> {
              total[0] -= dValue;
              total[1] -= dSum;
            });
        if (h == null) {
          out.add(new Sample(s.name(), s.labels(), s.kind(), total[0], null, s.role(), s.unit()));
        } else {
          long count = (long) total[0];
          out.add(
              new Sample(
                  s.name(),
                  s.labels(),
                  s.kind(),
                  count,
                  new HistogramValue(count, total[1], h.p50(), h.p90(), h.p95(), h.p99(), h.max()),
                  s.role(),
                  s.unit()));
        }
      }
    }
    var result =
        new io.pipewatch.collector.Collector.Ingest(
            ingest.sourceId(), ingest.timestampMillis(), out);
    return new Applied() {
      @Override
      public io.pipewatch.collector.Collector.Ingest ingest() {
        return result;
      }

      @Override
      public void undo() {
        synchronized (totals) {
          undo.forEach(Runnable::run);
        }
      }
    };
  }
}
