package io.pipewatch.optimizer;

import java.util.Locale;

/**
 * How far an optimizer may go: {@link #OFF} (observes only), {@link #RECOMMEND} (proposals wait for
 * an operator's approval), {@link #AUTO} (proposals within the guardrails are applied).
 */
public enum Mode {
  OFF,
  RECOMMEND,
  AUTO;

  /** The mode named {@code text} (case-insensitive), or null. */
  public static Mode find(String text) {
    if (text == null) {
      return null;
    }
    for (Mode m : values()) {
      if (m.name().equalsIgnoreCase(text.trim())) {
        return m;
      }
    }
    return null;
  }

  /** The lower-case name used in JSON and configuration. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
