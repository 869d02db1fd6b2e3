package io.pipewatch.analyzer;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Failure patterns across sources that the {@link FleetAnalyzer} recognises. */
public enum PatternKind {
  /** Bottlenecks opening on one source of a group after another. */
  CASCADING_FAILURE,
  /** CPU or memory running out on several sources, or forecast to run out on one. */
  RESOURCE_EXHAUSTION,
  /** Several sources going silent together. */
  NETWORK_PARTITION,
  /** Database latency up (on one or more sources sharing it) while their CPU is not the cause. */
  DATABASE_CONTENTION,
  /** A source stopped reporting (stale). */
  HEARTBEAT_DEGRADATION,
  /** Work concentrated on one worker (or source) while its peers idle. */
  LOAD_IMBALANCE;

  /** The kebab-case name, e.g. {@code cascading-failure}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind named {@code text} (kebab or snake case, any case), or null. */
  public static PatternKind find(String text) {
    if (text == null) {
      return null;
    }
    for (PatternKind kind : values()) {
      if (kind.name().equalsIgnoreCase(text.trim().replace('-', '_'))) {
        return kind;
      }
    }
    return null;
  }

  @com.fasterxml.jackson.annotation.JsonCreator(
      mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
  static PatternKind fromJson(String text) {
    PatternKind kind = find(text);
    if (kind == null) {
      throw new IllegalArgumentException("unknown pattern kind '" + text + "'");
    }
    return kind;
  }
}
