package io.pipewatch.analyzer.alert;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where an alert stands: {@link #FIRING} (its cause holds, nobody has taken it), {@link
 * #ACKNOWLEDGED} (an operator took it; repeats do not notify), {@link #SILENCED} (a silence matches
 * it: it is kept and shown, never notified), {@link #RESOLVED} (its cause cleared, or an operator
 * closed it).
 */
public enum AlertStatus {
  FIRING,
  ACKNOWLEDGED,
  SILENCED,
  RESOLVED;

  /** The lower-case name used in JSON and query filters. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the alert is still open (anything but resolved). */
  public boolean active() {
    return this != RESOLVED;
  }

  /** The status named {@code text} (any case), or null. */
  public static AlertStatus find(String text) {
    for (AlertStatus s : values()) {
      if (s.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return s;
      }
    }
    return null;
  }

  @com.fasterxml.jackson.annotation.JsonCreator(
      mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
  static AlertStatus fromJson(String text) {
    AlertStatus s = find(text);
    if (s == null) {
      throw new IllegalArgumentException("unknown alert status '" + text + "'");
    }
    return s;
  }
}
