package io.pipewatch.analyzer.alert;

import io.pipewatch.collector.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * The router's own figures for {@code /metrics}: active (firing or acknowledged, not silenced)
 * alerts by severity; notifications sent and failed by channel; suppressed by channel and reason
 * ({@code "<channel>|<reason>"}); and a histogram of delivery latency (signal at the router to the
 * channel's confirmation) with cumulative counts per upper bound in seconds.
 */
public record AlertFigures(
    Map<String, Long> firingBySeverity,
    Map<String, Long> sentByChannel,
    Map<String, Long> failedByChannel,
    Map<String, Long> suppressedByChannelAndReason,
    List<Double> latencyBucketsSeconds,
    List<Long> latencyCumulativeCounts,
    long latencyCount,
    double latencySumSeconds,
    boolean journalUp)
    implements CborSerializable {

  public AlertFigures {
    firingBySeverity = Map.copyOf(firingBySeverity);
    sentByChannel = Map.copyOf(sentByChannel);
    failedByChannel = Map.copyOf(failedByChannel);
    suppressedByChannelAndReason = Map.copyOf(suppressedByChannelAndReason);
    latencyBucketsSeconds = List.copyOf(latencyBucketsSeconds);
    latencyCumulativeCounts = List.copyOf(latencyCumulativeCounts);
  }
}
