package io.pipewatch.collector.semantics;

/**
 * The role of one series and why it has it. {@code role} is null for a series no source gave a role
 * ({@code origin} {@link Origin#NONE}); {@code reason} then says what was tried. {@code pair} (may
 * be null) ties a level to its limit: a {@link Role#QUEUE_LENGTH} and a {@link Role#QUEUE_CAPACITY}
 * with the same pair and labels make a queue fill ({@code job_queue_length} and {@code
 * job_queue_limit} are pair {@code job_queue}); likewise memory used and its limit. {@code scope}
 * (may be empty) narrows a role to a part of the service ({@code ipc}, {@code db}, {@code
 * buffer-pool}) for consumers that care.
 */
public record RoleMatch(
    Role role, Origin origin, String reason, Unit unit, String pair, String scope) {

  /** Where a role came from, in order of precedence. */
  public enum Origin {
    DECLARED,
    CONFIGURED,
    CONVENTION,
    NONE
  }

  public RoleMatch {
    unit = unit == null ? Unit.UNKNOWN : unit;
    scope = scope == null ? "" : scope;
    reason = reason == null ? "" : reason;
  }

  /** No role, with what was tried. */
  public static RoleMatch none(String reason) {
    return new RoleMatch(null, Origin.NONE, reason, Unit.UNKNOWN, null, "");
  }

  /** A role found by convention {@code convention}, because {@code why}. */
  static RoleMatch convention(String convention, Role role, Unit unit, String why) {
    return new RoleMatch(role, Origin.CONVENTION, convention + ": " + why, unit, null, "");
  }

  /** This match tied to {@code pairKey}. */
  RoleMatch paired(String pairKey) {
    return new RoleMatch(role, origin, reason, unit, pairKey, scope);
  }

  /** This match narrowed to {@code part}. */
  RoleMatch scoped(String part) {
    return new RoleMatch(role, origin, reason, unit, pair, part);
  }

  /** Whether a role was found. */
  public boolean matched() {
    return role != null;
  }
}
