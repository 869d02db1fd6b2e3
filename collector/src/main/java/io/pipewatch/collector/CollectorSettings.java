package io.pipewatch.collector;

import com.typesafe.config.Config;
import io.pipewatch.collector.history.HistorySettings;
import io.pipewatch.collector.settings.InvalidSettingException;
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
 * @param lateHorizon how far behind a source's newest batch a batch may be and still be merged into
 *     its history: {@code ingest.reorder-window + ingest.max-clock-skew} plus {@link #IN_FLIGHT}
 * @param newSourcesPerClientPerMinute most new sources one HTTP client may start on a node per
 *     minute; further ones are refused (429)
 * @param retryAfter what a source refused because the node is full is told to wait (Retry-After)
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
    Duration queryTimeout,
    Duration lateHorizon,
    int newSourcesPerClientPerMinute,
    Duration retryAfter) {

  /**
   * Time a batch may spend between the HTTP edge's timestamp check and its collector, on top of the
   * reorder window and the clock skew: a batch the edge let through is never too late for the
   * collector.
   */
  public static final Duration IN_FLIGHT = Duration.ofSeconds(5);

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
        in.positiveDuration("query-timeout"),
        lateHorizon(in),
        limits.intInRange("new-sources-per-client-per-minute", 1, 1_000_000),
        limits.positiveDuration("retry-after"));
  }

  private static Duration lateHorizon(SettingsReader in) {
    HistorySettings history = HistorySettings.create(in);
    SettingsReader ingest = in.section("ingest");
    Duration horizon =
        ingest.positiveDuration("reorder-window").plus(ingest.positiveDuration("max-clock-skew"));
    horizon = horizon.plus(IN_FLIGHT);
    if (horizon.compareTo(history.raw().retention()) >= 0) {
      throw new InvalidSettingException(
          ingest.key("reorder-window"),
          "reorder-window + max-clock-skew + "
              + IN_FLIGHT.toSeconds()
              + "s shorter than history.raw.retention ("
              + history.raw().retention()
              + ")",
          ingest.positiveDuration("reorder-window"));
    }
    return horizon;
  }

  /** Worst-case history heap of one node: every source at its series cap, every tier full. */
  public long worstCaseHistoryBytes() {
    return history.bytesPerSeriesAtFullRetention() * maxSeriesPerSource * (long) maxSourcesPerNode;
  }
}
