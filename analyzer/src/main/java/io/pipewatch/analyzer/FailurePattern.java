package io.pipewatch.analyzer;

import io.pipewatch.collector.CborSerializable;
import java.util.List;

/**
 * One failure pattern across sources: {@code id} ({@code <kind>/<n>}), its kind, how sure ({@code
 * confidence} 0..1), the sources involved (in the order they joined: for a cascade, where it
 * started first), a one-line description, and when (epoch milliseconds of the sources' clocks:
 * detected, last updated, resolved or 0 while active).
 */
public record FailurePattern(
    String id,
    PatternKind kind,
    double confidence,
    List<String> sources,
    String description,
    long detectedMillis,
    long updatedMillis,
    long resolvedMillis)
    implements CborSerializable {

  public FailurePattern {
    sources = List.copyOf(sources);
  }

  /** Whether it is still active. */
  public boolean active() {
    return resolvedMillis == 0;
  }
}
