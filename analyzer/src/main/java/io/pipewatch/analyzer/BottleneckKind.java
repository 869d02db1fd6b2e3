package io.pipewatch.analyzer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a bottleneck of one source is about (ARCHITECTURE.md "Data"): its CPU, its memory, I/O
 * (disk, database), inter-process communication, queues (work waiting, including work piling up
 * behind one hot worker), errors, a throughput drop, or a user-defined signal. {@link #id()} is the
 * lower-case name used in configuration, JSON and query filters.
 */
public enum BottleneckKind {
  CPU,
  MEMORY,
  IO,
  IPC,
  QUEUE,
  ERRORS,
  THROUGHPUT,
  CUSTOM;

  /** The lower-case name, e.g. {@code cpu}. */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code text} (any case), or null. */
  public static BottleneckKind find(String text) {
    if (text == null) {
      return null;
    }
    for (BottleneckKind kind : values()) {
      if (kind.name().equalsIgnoreCase(text.trim())) {
        return kind;
      }
    }
    return null;
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static BottleneckKind fromJson(String text) {
    BottleneckKind kind = find(text);
    if (kind == null) {
      throw new IllegalArgumentException("unknown bottleneck kind '" + text + "'");
    }
    return kind;
  }
}
