package io.pipewatch.collector.ingest;

import com.typesafe.config.Config;
import io.pipewatch.collector.settings.SettingsReader;
import java.time.Duration;

/**
 * Limits of the JSON ingest edge ({@code pipewatch.collector.ingest}): how large a request body may
 * be (the HTTP route answers 413 above it), how many samples one batch may carry and how long
 * names, label values and the source id may be.
 *
 * @param maxBodyBytes largest accepted request body; the route checks it before decoding
 * @param maxSamples most samples in one batch
 * @param maxLabels most labels on one sample
 * @param maxNameLength longest metric or label name
 * @param maxLabelValueLength longest label value (in chars)
 * @param maxSourceLength longest source id (in chars)
 * @param reorderWindow how far in the past (against the receiving node's clock) a batch's timestamp
 *     may be
 * @param maxClockSkew how far in the future a batch's timestamp may be
 */
public record IngestSettings(
    int maxBodyBytes,
    int maxSamples,
    int maxLabels,
    int maxNameLength,
    int maxLabelValueLength,
    int maxSourceLength,
    Duration reorderWindow,
    Duration maxClockSkew) {

  /** Reads {@code pipewatch.collector.ingest} of {@code root}. */
  public static IngestSettings create(Config root) {
    SettingsReader in = SettingsReader.of(root, "pipewatch.collector.ingest");
    return new IngestSettings(
        in.intInRange("max-body-bytes", 64, 256 * 1024 * 1024),
        in.intInRange("max-samples", 1, 10_000_000),
        in.intInRange("max-labels", 0, 1024),
        in.intInRange("max-name-length", 1, 65_536),
        in.intInRange("max-label-value-length", 1, 1_048_576),
        in.intInRange("max-source-length", 1, 65_536),
        in.positiveDuration("reorder-window"),
        in.positiveDuration("max-clock-skew"));
  }

  /** The defaults of {@code reference.conf}, for tests and tools that have no configuration. */
  public static IngestSettings defaults() {
    return new IngestSettings(
        1024 * 1024, 1000, 32, 256, 1024, 256, Duration.ofSeconds(10), Duration.ofMinutes(1));
  }
}
