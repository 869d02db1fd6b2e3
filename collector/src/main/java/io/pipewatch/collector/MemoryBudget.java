package io.pipewatch.collector;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.InvalidSettingException;
import io.pipewatch.collector.settings.SettingsReader;

/**
 * How much of the heap the collected series of one node may take, derived from the heap the JVM
 * actually has ({@code Runtime.maxMemory()}), and what follows from it: the most series one node
 * holds ({@code max-series-per-node}), the most label bytes one series carries ({@code
 * max-label-bytes-per-series}) and the most sources one client (an ingest token, or an address
 * without one) holds on a node ({@code max-sources-per-client}). Read from {@code
 * pipewatch.collector.limits} (reference.conf explains each key).
 *
 * <p>The cost of one series at full retention is its history ({@link
 * io.pipewatch.collector.history.HistorySettings#bytesPerSeriesAtFullRetention()}), its label text
 * twice (the labels and the series id repeat it), and {@link #OVERHEAD_PER_SERIES} for the maps and
 * objects that index it. {@code max-series-per-node = auto} gives the node {@code heap-share} of
 * the heap divided by that cost; a number instead is checked against it, and a configuration whose
 * worst case does not fit stops start-up with one line naming the setting.
 *
 * <pre>{@code
 * MemoryBudget budget = MemoryBudget.create(config, Runtime.getRuntime().maxMemory());
 * budget.maxSeriesPerNode();   // e.g. 1,183 with -Xmx256m and the defaults
 * }</pre>
 *
 * @param maxHeapBytes the heap the budget was derived from
 * @param heapShare share of the heap that collected series may take
 * @param bytesPerSeries worst-case heap of one series
 * @param maxSeriesPerNode series one node holds at most; a batch needing more answers 429
 * @param maxLabelBytesPerSeries most bytes (UTF-8) of a series' metric name, label names and values
 *     together; a new series over it answers 409
 * @param maxSourcesPerClient sources one client (token or address) holds on one node at most
 */
public record MemoryBudget(
    long maxHeapBytes,
    double heapShare,
    long bytesPerSeries,
    int maxSeriesPerNode,
    int maxLabelBytesPerSeries,
    int maxSourcesPerClient) {

  /** Heap of the maps, boxes and objects that index one series, besides history and text. */
  public static final long OVERHEAD_PER_SERIES = 1024;

  static final String SECTION = "pipewatch.collector.limits";

  /** Reads the budget of {@code root} for a JVM whose heap is {@code maxHeapBytes}. */
  public static MemoryBudget create(Config root, long maxHeapBytes) {
    CollectorSettings collector = CollectorSettings.create(root);
    SettingsReader limits = SettingsReader.of(root, SECTION);
    double share = limits.doubleInRange("heap-share", 0.01, 0.9);
    int labelBytes = limits.intInRange("max-label-bytes-per-series", 64, 1 << 20);
    long perSeries =
        collector.history().bytesPerSeriesAtFullRetention() + 2L * labelBytes + OVERHEAD_PER_SERIES;
    long budgetBytes = (long) (share * maxHeapBytes);
    long fits = budgetBytes / perSeries;
    String key = limits.key("max-series-per-node");
    int perNode;
    if (limits.string("max-series-per-node").equals("auto")) {
      perNode = (int) Math.min(Integer.MAX_VALUE, fits);
    } else {
      perNode = limits.positiveInt("max-series-per-node");
      if (perNode > fits) {
        throw new InvalidSettingException(
            key,
            "at most "
                + fits
                + " series ("
                + limits.key("heap-share")
                + " = "
                + share
                + " of a "
                + maxHeapBytes / (1024 * 1024)
                + " MiB heap at "
                + perSeries
                + " bytes per series), or auto",
            perNode);
      }
    }
    if (perNode < collector.maxSeriesPerSource()) {
      throw new InvalidSettingException(
          limits.key("max-series-per-source"),
          "at most "
              + perNode
              + " series, what "
              + key
              + " allows on a "
              + maxHeapBytes / (1024 * 1024)
              + " MiB heap (raise the heap, "
              + limits.key("heap-share")
              + ", or shorten history)",
          collector.maxSeriesPerSource());
    }
    return new MemoryBudget(
        maxHeapBytes,
        share,
        perSeries,
        perNode,
        labelBytes,
        limits.intInRange("max-sources-per-client", 1, 1_000_000));
  }

  /** The heap the node's series may take at most: every series at full retention. */
  public long worstCaseBytes() {
    return bytesPerSeries * maxSeriesPerNode;
  }

  /** Bytes (UTF-8) of a series' metric name, label names and label values together. */
  static int labelBytes(Sample sample) {
    int bytes = utf8(sample.name());
    if (sample.labels() != null) {
      for (var e : sample.labels().entrySet()) {
        bytes += utf8(e.getKey()) + utf8(e.getValue());
      }
    }
    return bytes;
  }

  private static int utf8(String s) {
    if (s == null) {
      return 0;
    }
    int bytes = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
