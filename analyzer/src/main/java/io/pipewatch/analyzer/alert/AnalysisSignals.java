package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.AnalysisEvent;
import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckAnalyzer;
import io.pipewatch.analyzer.Evidence;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.analyzer.PatternKind;
import io.pipewatch.analyzer.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the analyzers' events into {@link AlertSignal}s. A bottleneck's fingerprint is {@code
 * bottleneck/<source>/<kind>/<rule>} (the rule of its first evidence), a pattern's {@code
 * pattern/<kind>/<first source>}; the fingerprint of each open bottleneck or pattern is remembered
 * by its id so its resolution clears the same alert. Labels: {@code alertname} ({@code
 * <kind>-bottleneck} or the pattern kind), {@code source}, {@code kind}, {@code rule}, {@code
 * origin} (bottleneck, pattern) — the identity of the cause, never the analyzer's id of one
 * detection of it: a restarted analyzer numbers its bottlenecks anew, and a label that changed with
 * it would give Alertmanager a second alert for the same cause, the first left firing there.
 */
final class AnalysisSignals {
  private static final int MAX_OPEN = 100_000;

  private final Map<String, String> fingerprintById = new LinkedHashMap<>();

  /** The signal of {@code event}. */
  AlertSignal signal(AnalysisEvent event) {
    if (event instanceof AnalysisEvent.BottleneckEvent b) {
      return bottleneck(b.bottleneck(), !(b instanceof BottleneckAnalyzer.BottleneckResolved));
    }
    AnalysisEvent.PatternEvent p = (AnalysisEvent.PatternEvent) event;
    return pattern(p.pattern(), !(p instanceof FleetAnalyzer.PatternResolved));
  }

  /** The causes a board holds: its active bottlenecks and patterns, as firing signals. */
  List<AlertEngine.HeldCause> held(List<Bottleneck> bottlenecks, List<FailurePattern> patterns) {
    List<AlertEngine.HeldCause> held = new ArrayList<>();
    for (Bottleneck b : bottlenecks) {
      held.add(new AlertEngine.HeldCause(bottleneck(b, true), b.openedMillis()));
    }
    for (FailurePattern p : patterns) {
      held.add(new AlertEngine.HeldCause(pattern(p, true), p.detectedMillis()));
    }
    return held;
  }

  private AlertSignal bottleneck(Bottleneck b, boolean firing) {
    String rule = b.evidence().isEmpty() ? "" : b.evidence().get(0).rule();
    String fingerprint =
        fingerprint(
            b.id(), "bottleneck/" + b.sourceId() + "/" + b.kind().id() + "/" + rule, firing);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", b.kind().id() + "-bottleneck");
    labels.put("source", b.sourceId());
    labels.put("kind", b.kind().id());
    labels.put("rule", rule);
    labels.put("origin", "bottleneck");
    List<String> evidence = new ArrayList<>();
    for (Evidence e : b.evidence()) {
      evidence.add(
          String.format(
              Locale.ROOT,
              "%s: %s (%s) = %.4g, threshold %.4g, baseline %.4g",
              e.rule(),
              e.seriesId(),
              e.dimension().id(),
              e.value(),
              e.threshold(),
              e.baseline()));
    }
    String description =
        String.format(
                Locale.ROOT,
                "%s bottleneck on %s: impact %.0f %%, confidence %.0f %%",
                b.kind().id().toUpperCase(Locale.ROOT),
                b.sourceId(),
                100 * b.impact(),
                100 * b.confidence())
            + (b.forecastMillis() >= 0
                ? String.format(Locale.ROOT, "; limit reached in ~%d s", b.forecastMillis() / 1000)
                : "");
    String title = b.kind().id().toUpperCase(Locale.ROOT) + " bottleneck on " + b.sourceId();
    return new AlertSignal(
        fingerprint,
        firing,
        b.severity(),
        title,
        description,
        labels,
        evidence,
        List.of(b.sourceId()),
        null);
  }

  private AlertSignal pattern(FailurePattern p, boolean firing) {
    String first = p.sources().isEmpty() ? "" : p.sources().get(0);
    String fingerprint = fingerprint(p.id(), "pattern/" + p.kind().id() + "/" + first, firing);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", p.kind().id());
    labels.put("source", first);
    labels.put("kind", p.kind().id());
    labels.put("rule", p.kind().id());
    labels.put("origin", "pattern");
    String title = p.kind().id() + " across " + String.join(", ", p.sources());
    return new AlertSignal(
        fingerprint,
        firing,
        severity(p.kind()),
        title,
        p.description(),
        labels,
        List.of(
            String.format(
                Locale.ROOT, "confidence %.0f %%, sources %s", 100 * p.confidence(), p.sources())),
        p.sources(),
        null);
  }

  /** Cascades and partitions take several services down: critical; the others warn. */
  static Severity severity(PatternKind kind) {
    return switch (kind) {
      case CASCADING_FAILURE, NETWORK_PARTITION, RESOURCE_EXHAUSTION -> Severity.CRITICAL;
      default -> Severity.WARNING;
    };
  }

  private String fingerprint(String id, String computed, boolean firing) {
    String known = firing ? fingerprintById.get(id) : fingerprintById.remove(id);
    if (known != null) {
      return known;
    }
    if (firing) {
      fingerprintById.put(id, computed);
      if (fingerprintById.size() > MAX_OPEN) {
        fingerprintById.remove(fingerprintById.keySet().iterator().next());
      }
    }
    return computed;
  }
}
