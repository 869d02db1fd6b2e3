package io.pipewatch.bench.collector;

import io.pipewatch.collector.history.HistorySettings;
import io.pipewatch.collector.history.SourceHistory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * History memory per stored sample: builds {@code sources} histories of {@code series} series with
 * the default resolutions (100 ms / 5 min, 1 s / 1 h, 10 s / 4 h), feeds each 4 h 10 s of 100 ms
 * batches so every ring is full and has wrapped, then divides the heap growth (used heap after full
 * GCs, before vs after) by the values held. Prints bytes per held value (all tiers), bytes per raw
 * value held, and the analytic figure.
 *
 * <pre>
 * java -Xmx2g -cp bench/target/benchmarks.jar io.pipewatch.bench.collector.HistoryMemoryHarness \
 *     [sources=10] [series=50]
 * </pre>
 */
public final class HistoryMemoryHarness {

  private HistoryMemoryHarness() {}

  public static void main(String[] args) {
    int sources = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int series = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    HistorySettings settings = HistorySettings.defaults();
    long batches = (4 * 3600 + 10) * 10L;

    long before = usedAfterGc();
    List<SourceHistory> all = new ArrayList<>();
    for (int src = 0; src < sources; src++) {
      SourceHistory h = new SourceHistory(settings);
      for (int s = 0; s < series; s++) {
        h.addSeries();
      }
      for (long b = 0; b < batches; b++) {
        h.begin(b * 100L);
        for (int s = 0; s < series; s++) {
          h.put(s, (b + s) * 0.5);
        }
        h.end();
      }
      all.add(h);
    }
    long after = usedAfterGc();
    long held = 0;
    long raw = 0;
    for (SourceHistory h : all) {
      held += h.pointsHeld();
      raw += h.rawPointsHeld();
    }
    long bytes = after - before;
    System.out.printf(
        "sources=%d series/source=%d heapGrowth=%d B valuesHeld=%d rawValuesHeld=%d%n",
        sources, series, bytes, held, raw);
    System.out.printf(
        "bytes per held value (all tiers) = %.2f; heap per raw value held = %.2f;"
            + " analytic per series = %d B (+ shared timestamps)%n",
        (double) bytes / held, (double) bytes / raw, settings.bytesPerSeriesAtFullRetention());
    System.out.println("kept " + all.size() + " histories"); // keep them reachable until here
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
