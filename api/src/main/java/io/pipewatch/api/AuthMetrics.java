package io.pipewatch.api;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Refused requests by reason, one set per actor system, shown on {@code /metrics} as {@code
 * pipewatch_http_auth_failures_total{reason}}: {@code missing} (no token), {@code malformed} (an
 * Authorization header that is not a bearer token), {@code invalid} (unknown token), {@code role}
 * (too weak a role), {@code source} (an ingest token sending another source's batch), {@code
 * origin} (a WebSocket upgrade from a foreign origin; with no token configured, also a change sent
 * from another site's page), {@code host} (no token configured and the request addressed to a host
 * name other than localhost).
 */
final class AuthMetrics implements Extension {
  static final String NAME = "pipewatch_http_auth_failures";
  private static final String[] REASONS = {
    "missing", "malformed", "invalid", "role", "source", "origin", "host", "throttled"
  };

  private static final ExtensionId<AuthMetrics> ID =
      new ExtensionId<>() {
        @Override
        public AuthMetrics createExtension(ActorSystem<?> system) {
          return new AuthMetrics();
        }
      };

  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

  private AuthMetrics() {
    for (String reason : REASONS) {
      failures.put(reason, new LongAdder());
    }
  }

  static AuthMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  void failed(String reason) {
    failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  long count(String reason) {
    LongAdder adder = failures.get(reason);
    return adder == null ? 0 : adder.sum();
  }

  CounterSnapshot snapshot() {
    CounterSnapshot.Builder counter =
        CounterSnapshot.builder()
            .name(NAME)
            .help("HTTP requests refused by authentication or authorization, by reason");
    new TreeMap<>(failures)
        .forEach(
            (reason, value) ->
                counter.dataPoint(
                    CounterSnapshot.CounterDataPointSnapshot.builder()
                        .labels(Labels.of("reason", reason))
                        .value(value.sum())
                        .build()));
    return counter.build();
  }
}
