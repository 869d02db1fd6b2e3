package io.pipewatch.api;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The protocol receivers' own figures, one set per actor system, shown on {@code /metrics}:
 *
 * <ul>
 *   <li>{@code pipewatch_receiver_requests_total{receiver, code}}: requests by receiver ({@code
 *       otlp}, {@code remote_write}) and HTTP status;
 *   <li>{@code pipewatch_receiver_samples_total{receiver, outcome}}: samples {@code stored} and
 *       {@code refused};
 *   <li>{@code pipewatch_receiver_refusals_total{receiver, reason}}: every refusal by reason
 *       ({@code malformed}, {@code content_type}, {@code too_large}, {@code point} for OTLP points
 *       refused in a partial success, and the collectors' reasons: {@code series_limit}, {@code
 *       node_full}, {@code unavailable}, ...);
 *   <li>{@code pipewatch_build_info{version, java_version}} = 1.
 * </ul>
 */
final class ReceiverMetrics implements Extension {
  static final String OTLP = "otlp";
  static final String REMOTE_WRITE = "remote_write";

  private static final ExtensionId<ReceiverMetrics> ID =
      new ExtensionId<>() {
        @Override
        public ReceiverMetrics createExtension(ActorSystem<?> system) {
          return new ReceiverMetrics();
        }
      };

  private record Key(String receiver, String value) {}

  private final Map<Key, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<Key, LongAdder> samples = new ConcurrentHashMap<>();
  private final Map<Key, LongAdder> refusals = new ConcurrentHashMap<>();

  private ReceiverMetrics() {
    for (String receiver : List.of(OTLP, REMOTE_WRITE)) {
      samples.put(new Key(receiver, "stored"), new LongAdder());
      samples.put(new Key(receiver, "refused"), new LongAdder());
      // present from the start, so dashboards and rules see the family before the first refusal
      refusals.put(new Key(receiver, "malformed"), new LongAdder());
    }
  }

  static ReceiverMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void request(String receiver, int code) {
    add(requests, receiver, Integer.toString(code), 1);
  }

  void stored(String receiver, long count) {
    add(samples, receiver, "stored", count);
  }

  void refused(String receiver, String reason, long sampleCount) {
    add(refusals, receiver, reason, 1);
    add(samples, receiver, "refused", sampleCount);
  }

  long refusals(String receiver, String reason) {
    LongAdder adder = refusals.get(new Key(receiver, reason));
    return adder == null ? 0 : adder.sum();
  }

  private static void add(Map<Key, LongAdder> map, String receiver, String value, long n) {
    if (n > 0) {
      map.computeIfAbsent(new Key(receiver, value), k -> new LongAdder()).add(n);
    }
  }

  List<MetricSnapshot> snapshots() {
    return List.of(
        counter(
            "pipewatch_receiver_requests",
            "Requests to the OTLP and remote_write receivers, by HTTP status",
            "code",
            requests),
        counter(
            "pipewatch_receiver_samples",
            "Samples (OTLP data points) received, stored or refused",
            "outcome",
            samples),
        counter(
            "pipewatch_receiver_refusals",
            "Refusals by the OTLP and remote_write receivers, by reason",
            "reason",
            refusals),
        GaugeSnapshot.builder()
            .name("pipewatch_build_info")
            .help("Pipewatch's version and the Java runtime it runs on; always 1")
            .dataPoint(
                GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(
                        Labels.of(
                            "version",
                            version(),
                            "java_version",
                            System.getProperty("java.version", "unknown")))
                    .value(1)
                    .build())
            .build());
  }

  private static String version() {
    String v = ReceiverMetrics.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  private static CounterSnapshot counter(
      String name, String help, String label, Map<Key, LongAdder> values) {
    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
    Map<String, Map.Entry<Key, LongAdder>> sorted = new TreeMap<>();
    values.forEach((k, v) -> sorted.put(k.receiver() + "\u0000" + k.value(), Map.entry(k, v)));
    sorted
        .values()
        .forEach(
            e ->
                counter.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(
                            Labels.of("receiver", e.getKey().receiver(), label, e.getKey().value()))
                        .value(e.getValue().sum())
                        .build()));
    return counter.build();
  }
}
