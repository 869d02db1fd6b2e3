package io.pipewatch.analyzer.alert;

import java.util.Locale;
import java.util.Objects;

/**
 * One step of an alert's lifecycle, published on the {@link AlertTopic} by the router after the
 * change is written to its journal (never while it recovers): the {@code step} and the alert as it
 * now stands.
 */
public record AlertChange(Step step, Alert alert) implements AlertNews {

  /** What happened to the alert. */
  public enum Step {
    FIRED,
    UPDATED,
    ACKNOWLEDGED,
    RESOLVED;

    /** The lower-case name used in JSON ({@code fired}, {@code acknowledged}, ...). */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AlertChange {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(alert, "alert");
  }

  /**
   * The step from {@code before} (null: a new alert) to {@code after}, or null when only the
   * router's bookkeeping changed (its notification log, cooldown).
   */
  static Step between(Alert before, Alert after) {
    if (before == null) {
      return after.status() == AlertStatus.RESOLVED ? Step.RESOLVED : Step.FIRED;
    }
    if (before.status() != after.status()) {
      return switch (after.status()) {
        case RESOLVED -> Step.RESOLVED;
        case ACKNOWLEDGED -> Step.ACKNOWLEDGED;
        case FIRING -> before.status() == AlertStatus.RESOLVED ? Step.FIRED : Step.UPDATED;
        case SILENCED -> Step.UPDATED;
      };
    }
    boolean content =
        before.severity() != after.severity()
            || !Objects.equals(before.title(), after.title())
            || !Objects.equals(before.description(), after.description())
            || !before.labels().equals(after.labels())
            || !before.evidence().equals(after.evidence())
            || !before.sources().equals(after.sources());
    return content ? Step.UPDATED : null;
  }
}
