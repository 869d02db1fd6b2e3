package io.pipewatch.collector.semantics;

/**
 * A naming convention of some system (OpenTelemetry, node_exporter, Micrometer, ...): it knows the
 * roles of that system's metric names. Implementations are stateless and cheap to ask, but are
 * asked only once per series ({@link SeriesRoles} caches the answer).
 */
public interface Convention {

  /** The convention's name, quoted in every reason it gives (e.g. {@code node_exporter}). */
  String name();

  /** The role of {@code series} under this convention, or null if it does not know the name. */
  RoleMatch match(SeriesFacts series);

  /** A match of {@code role} in {@code unit}, because {@code why}. */
  default RoleMatch role(Role role, Unit unit, String why) {
    return RoleMatch.convention(name(), role, unit, why);
  }
}
