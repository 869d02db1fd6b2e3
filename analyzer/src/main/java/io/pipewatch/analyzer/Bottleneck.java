package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import java.util.List;

/**
 * One bottleneck of one source, as it stands: {@code id} ({@code <source>/<kind>/<n>}), what it is
 * about ({@code kind}), how bad ({@code severity}; {@code impact} 0..1, the share of throughput or
 * latency it costs by the rule's measure), how sure the analyzer is ({@code confidence} 0..1, from
 * how long it has held and how many detectors agree), why ({@code evidence}), and when (epoch
 * milliseconds of the source's own clock: opened, last updated, resolved or 0 while active). {@code
 * forecastMillis} is the time until the limit is reached for a forecast ("memory reaches its limit
 * in ~4 min"), else -1.
 */
public record Bottleneck(
    String id,
    String sourceId,
    BottleneckKind kind,
    Severity severity,
    double impact,
    double confidence,
    List<Evidence> evidence,
    long openedMillis,
    long updatedMillis,
    long resolvedMillis,
    long forecastMillis)
    implements CborSerializable {

  public Bottleneck {
    evidence = List.copyOf(evidence);
  }

  /** Whether it is still active (not resolved). */
  public boolean active() {
    return resolvedMillis == 0;
  }
}
