package io.pipewatch.collector;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One collector's side of the node's memory budget: before a batch is stored, each new series it
 * would create is checked against {@code max-label-bytes-per-series} (409 when over) and the series
 * are reserved in the {@link NodeSeriesBudget} (429 naming {@code max-series-per-node} when the
 * node has no room); after it is stored, what was reserved and not created is given back, and when
 * the collector stops all of it. Plain logic owned by one {@link Collector}.
 */
final class SeriesAdmission {
  private final NodeSeriesBudget node;
  private final SeriesCatalogue catalogue;
  private int held;

  SeriesAdmission(NodeSeriesBudget node, SeriesCatalogue catalogue) {
    this.node = node;
    this.catalogue = catalogue;
  }

  /**
   * Null when the batch's new series fit (and are now reserved); else why not, nothing reserved.
   */
  SeriesCatalogue.Problem admit(List<Sample> samples) {
    MemoryBudget budget = node.budget();
    int want = 0;
    Set<String> seen = null;
    for (int i = 0, n = samples.size(); i < n; i++) {
      Sample sample = samples.get(i);
      if (sample == null || sample.name() == null || sample.kind() == null) {
        continue;
      }
      if (catalogue.knows(sample)) {
        continue;
      }
      int bytes = MemoryBudget.labelBytes(sample);
      if (bytes > budget.maxLabelBytesPerSeries()) {
        node.labelsRefused();
        return new SeriesCatalogue.Problem(
            Collector.Refusal.LABEL_BUDGET,
            "samples[" + i + "].labels",
            "a new series of "
                + bytes
                + " bytes of name and labels; max-label-bytes-per-series = "
                + budget.maxLabelBytesPerSeries());
      }
      if (seen == null) {
        seen = new HashSet<>();
      }
      if (seen.add(SeriesPoint.id(sample.name(), sample.labels()))) {
        want += SeriesCatalogue.seriesOf(sample.kind());
      }
    }
    if (!node.tryReserve(want)) {
      return new SeriesCatalogue.Problem(
          Collector.Refusal.NODE_SERIES_BUDGET,
          "samples",
          "the node holds "
              + node.used()
              + " series; "
              + want
              + " more would exceed max-series-per-node = "
              + budget.maxSeriesPerNode()
              + " ("
              + budget.heapShare()
              + " of a "
              + budget.maxHeapBytes() / (1024 * 1024)
              + " MiB heap)");
    }
    held += want;
    return null;
  }

  /** After a store: keeps the reservation of the series that exist, gives back the rest. */
  void settle() {
    int exist = catalogue.seriesCount();
    if (held > exist) {
      node.release(held - exist);
      held = exist;
    }
  }

  /** The collector stops: its series leave the node's budget. */
  void releaseAll() {
    node.release(held);
    held = 0;
  }
}
