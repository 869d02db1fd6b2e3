package io.pipewatch.simulator;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The four stages of the simulated document pipeline, in data-flow order: documents enter at {@link
 * #INGEST}, are parsed, embedded by a model ({@link #EMBED}) and written to a search index backed
 * by a database ({@link #INDEX}). Each stage reports as its own source ({@code
 * <pipeline>-<stage>}); every stage but the last sends its output over an IPC hop to the next.
 */
public enum Stage {
  INGEST,
  PARSE,
  EMBED,
  INDEX;

  private static final Stage[] ALL = values();

  /** The lower-case name used in configuration, labels, source ids and JSON. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this stage sends its output over an IPC hop (all but the last). */
  public boolean hasOutgoingHop() {
    return ordinal() < ALL.length - 1;
  }

  /** The label of this stage's outgoing hop, e.g. {@code parse-embed}. */
  public String hopId() {
    if (!hasOutgoingHop()) {
      throw new IllegalStateException(id() + " has no outgoing hop");
    }
    return id() + "-" + ALL[ordinal() + 1].id();
  }

  /** The stage named {@code text} (case-insensitive), or null if there is none. */
  public static Stage find(String text) {
    if (text == null) {
      return null;
    }
    String wanted = text.trim();
    for (Stage stage : ALL) {
      if (stage.name().equalsIgnoreCase(wanted)) {
        return stage;
      }
    }
    return null;
  }

  static Stage of(int ordinal) {
    return ALL[ordinal];
  }

  static final int COUNT = 4;

  /** The constant named {@code text} for JSON; unknown names are rejected. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Stage fromJson(String text) {
    Stage found = find(text);
    if (found == null) {
      throw new IllegalArgumentException("unknown stage '" + text + "'");
    }
    return found;
  }
}
