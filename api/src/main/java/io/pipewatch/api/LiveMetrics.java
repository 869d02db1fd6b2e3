package io.pipewatch.api;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The live feed's own figures on this node, exposed on {@code /metrics}: {@code
 * pipewatch_websocket_clients}, {@code pipewatch_websocket_messages_sent_total{type}}, {@code
 * pipewatch_websocket_dropped_updates_total} (DashboardUpdates conflated away) and {@code
 * pipewatch_websocket_disconnects_total{reason}}. Written by the hub and by each connection's
 * stream (thread-safe adders), read by the exposition.
 */
final class LiveMetrics implements Extension {
  private static final Id ID = new Id();

  private final AtomicInteger clients = new AtomicInteger();
  private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
  private final LongAdder droppedUpdates = new LongAdder();
  private final Map<String, LongAdder> disconnects = new ConcurrentHashMap<>();

  /** The node's figures (one set per actor system). */
  static LiveMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void clients(int count) {
    clients.set(count);
  }

  int clients() {
    return clients.get();
  }

  void sent(String type) {
    sent.computeIfAbsent(type, t -> new LongAdder()).increment();
  }

  long sentCount(String type) {
    LongAdder a = sent.get(type);
    return a == null ? 0 : a.sum();
  }

  void droppedUpdate() {
    droppedUpdates.increment();
  }

  long droppedUpdates() {
    return droppedUpdates.sum();
  }

  void disconnected(String reason) {
    disconnects.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  long disconnects(String reason) {
    LongAdder a = disconnects.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** The figures as Prometheus snapshots. */
  List<MetricSnapshot> snapshots() {
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(
        GaugeSnapshot.builder()
            .name("pipewatch_websocket_clients")
            .help("WebSocket clients connected to this node")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(clients.get()).build())
            .build());
    out.add(
        counter(
            "pipewatch_websocket_messages_sent", "WebSocket messages sent, by type", "type", sent));
    out.add(
        CounterSnapshot.builder()
            .name("pipewatch_websocket_dropped_updates")
            .help("DashboardUpdates replaced by a newer one before a slow client took them")
            .dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder()
                    .value(droppedUpdates.sum())
                    .build())
            .build());
    out.add(
        counter(
            "pipewatch_websocket_disconnects",
            "WebSocket connections ended, by reason",
            "reason",
            disconnects));
    return out;
  }

  private static MetricSnapshot counter(
      String name, String help, String label, Map<String, LongAdder> values) {
    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
    new java.util.TreeMap<>(values)
        .forEach(
            (key, value) ->
                counter.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of(label, key))
                        .value(value.sum())
                        .build()));
    return counter.build();
  }

  private static final class Id extends ExtensionId<LiveMetrics> {
    @Override
    public LiveMetrics createExtension(ActorSystem<?> system) {
      return new LiveMetrics();
    }
  }
}
