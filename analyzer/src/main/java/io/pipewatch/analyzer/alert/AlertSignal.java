package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * What an alert source reports to the router: the cause identified by {@code fingerprint} (the
 * dedup key, e.g. {@code bottleneck/<source>/<kind>/<rule>}) is firing, or it has cleared ({@code
 * firing = false}). Repeats of a firing fingerprint update one alert. {@code labels} always carry
 * {@code alertname}, {@code source} and {@code origin} (bottleneck, pattern, system, test); {@code
 * sources} lists every source a fleet pattern spans (used by inhibition); {@code channel}, when not
 * null, sends the alert to that channel only (test alerts).
 */
public record AlertSignal(
    String fingerprint,
    boolean firing,
    Severity severity,
    String title,
    String description,
    Map<String, String> labels,
    List<String> evidence,
    List<String> sources,
    String channel)
    implements CborSerializable {

  public AlertSignal {
    labels = Map.copyOf(labels);
    evidence = List.copyOf(evidence);
    sources = List.copyOf(sources);
  }

  /** The {@code source} label, or an empty string. */
  public String source() {
    return labels.getOrDefault("source", "");
  }
}
