package io.pipewatch.collector;

import com.typesafe.config.Config;
import io.pipewatch.collector.history.HistorySettings;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;

/**
 * Typed settings of the Collector actors and the node's {@link SourceDirectory}, read once from
 * {@code pipewatch.collector} (see reference.conf for each key).
 *
 * @param flushInterval how often sources are expected to send a batch (staleness is counted in
 *     these)
 * @param history resolutions and retentions of the ring buffers
 * @param maxSeriesPerSource series one source may create; samples of further metrics are refused
 * @param maxSourcesPerNode collectors one node accepts; batches of further sources are refused
 * @param warnInterval at most one warning per interval and reason about refused samples
 * @param staleAfterMissedFlushes a source that misses this many flushes in a row is stale
 * @param forgetAfter a source stale this long is dropped (its collector stops)
 * @param statusInterval how often a collector reports its figures to the directory
 * @param queryTimeout how long the directory waits for collectors when gathering latest snapshots
 */
public record CollectorSettings(
    Duration flushInterval,
    HistorySettings history,
    int maxSeriesPerSource,
    int maxSourcesPerNode,
    Duration warnInterval,
    int staleAfterMissedFlushes,
    Duration forgetAfter,
    Duration statusInterval,
    Duration queryTimeout) {

  /** Reads {@code pipewatch.collector} of {@code root}. */
  public static CollectorSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.collector");
    SettingsReader limits = in.section("limits");
    return new CollectorSettings(
        in.positiveDuration("flush-interval"),
        HistorySettings.create(in),
        limits.positiveInt("max-series-per-source"),
        limits.positiveInt("max-sources-per-node"),
        limits.positiveDuration("warn-interval"),
        in.intInRange("stale-after-missed-flushes", 1, 1_000_000),
        in.positiveDuration("forget-after"),
        in.positiveDuration("status-interval"),
        in.positiveDuration("query-timeout"));
  }

  /** Worst-case history heap of one node: every source at its series cap, every tier full. */
  public long worstCaseHistoryBytes() {
    return history.bytesPerSeriesAtFullRetention() * maxSeriesPerSource * (long) maxSourcesPerNode;
  }
}
