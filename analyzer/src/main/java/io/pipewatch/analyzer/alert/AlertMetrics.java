package io.pipewatch.analyzer.alert;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The router's figures as Prometheus metrics (client_java model, for the {@code /metrics} page):
 *
 * <ul>
 *   <li>{@code pipewatch_alerts_firing{severity}} — alerts firing or acknowledged;
 *   <li>{@code pipewatch_alert_notifications_sent_total{channel}}, {@code
 *       ..._failed_total{channel}};
 *   <li>{@code pipewatch_alert_notifications_suppressed_total{channel, reason}} — reason silenced,
 *       inhibited, cooldown or rate-limited;
 *   <li>{@code pipewatch_alert_delivery_latency_seconds} — histogram, signal at the router to the
 *       channel's confirmation;
 *   <li>{@code pipewatch_alert_journal_up} — 1 while the alert journal confirms writes.
 * </ul>
 */
public final class AlertMetrics {
  private AlertMetrics() {}

  /** The metrics of {@code f}. */
  public static List<MetricSnapshot> snapshots(AlertFigures f) {
    List<MetricSnapshot> out = new ArrayList<>();
    GaugeSnapshot.Builder firing =
        GaugeSnapshot.builder()
            .name("pipewatch_alerts_firing")
            .help("Alerts firing or acknowledged (not silenced, not resolved), by severity");
    new TreeMap<>(f.firingBySeverity())
        .forEach(
            (severity, n) ->
                firing.dataPoint(
                    GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("severity", severity))
                        .value(n)
                        .build()));
    out.add(firing.build());
    out.add(
        counter(
            "pipewatch_alert_notifications_sent",
            "Notifications delivered, by channel",
            f.sentByChannel()));
    out.add(
        counter(
            "pipewatch_alert_notifications_failed",
            "Notifications given up on, by channel",
            f.failedByChannel()));
    CounterSnapshot.Builder suppressed =
        CounterSnapshot.builder()
            .name("pipewatch_alert_notifications_suppressed")
            .help(
                "Notifications not sent, by channel and reason (silenced, inhibited, cooldown, rate-limited)");
    new TreeMap<>(f.suppressedByChannelAndReason())
        .forEach(
            (key, n) -> {
              String[] parts = key.split("\\|", 2);
              suppressed.dataPoint(
                  CounterSnapshot.CounterDataPointSnapshot.builder()
                      .labels(
                          Labels.of(
                              "channel", parts[0], "reason", parts.length > 1 ? parts[1] : ""))
                      .value(n)
                      .build());
            });
    out.add(suppressed.build());
    int n = f.latencyBucketsSeconds().size();
    double[] bounds = new double[n + 1];
    long[] counts = new long[n + 1];
    long previous = 0;
    for (int i = 0; i < n; i++) {
      bounds[i] = f.latencyBucketsSeconds().get(i);
      long cumulative = f.latencyCumulativeCounts().get(i);
      counts[i] = cumulative - previous;
      previous = cumulative;
    }
    bounds[n] = Double.POSITIVE_INFINITY;
    counts[n] = f.latencyCount() - previous;
    out.add(
        HistogramSnapshot.builder()
            .name("pipewatch_alert_delivery_latency_seconds")
            .help(
                "Delivery latency of notifications: signal at the router to the channel's confirmation")
            .dataPoint(
                HistogramSnapshot.HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                    .sum(f.latencySumSeconds())
                    .build())
            .build());
    out.add(
        GaugeSnapshot.builder()
            .name("pipewatch_alert_journal_up")
            .help("1 while the alert journal confirms writes, 0 while alerts are routed without it")
            .dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder().value(f.journalUp() ? 1 : 0).build())
            .build());
    return out;
  }

  private static CounterSnapshot counter(String name, String help, Map<String, Long> byChannel) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    new TreeMap<>(byChannel)
        .forEach(
            (channel, n) ->
                b.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("channel", channel))
                        .value(n)
                        .build()));
    return b.build();
  }
}
