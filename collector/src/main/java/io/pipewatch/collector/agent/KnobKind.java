package io.pipewatch.collector.agent;

import java.util.Locale;

/**
 * What a knob controls, which decides the optimizer strategy that may turn it, whatever it is
 * called: {@link #CONCURRENCY} (workers, threads, consumers: the Universal Scalability Law
 * strategy), {@link #BATCH_SIZE} (items per message: the batching strategy), {@link #POOL_SIZE} (a
 * memory pool's size: the pool strategy), {@link #COMPRESSION} (a choice whose first value is
 * "off"), {@link #CHOICE} (variants ordered from fastest to most thorough: the backlog strategy),
 * {@link #NUMERIC} (a plain number the optimizer knows no model of: the noise-aware one-dimensional
 * search), {@link #OTHER} (not tuned). A service declares the kind; a knob declared without one
 * gets it from its name ({@link #infer}), and an unrecognised numeric knob is {@link #OTHER}, so
 * nothing is turned that the service did not ask to be tuned.
 */
public enum KnobKind {
  CONCURRENCY,
  BATCH_SIZE,
  POOL_SIZE,
  COMPRESSION,
  CHOICE,
  NUMERIC,
  OTHER;

  /** The kebab-case name used in JSON, e.g. {@code batch-size}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The kind named {@code text} (kebab or snake case, any case), or null. */
  public static KnobKind find(String text) {
    if (text == null) {
      return null;
    }
    String wanted = text.trim().replace('-', '_');
    for (KnobKind k : values()) {
      if (k.name().equalsIgnoreCase(wanted)) {
        return k;
      }
    }
    return null;
  }

  /**
   * The kind a knob's name suggests: words such as workers, threads, concurrency, parallelism,
   * consumers are {@link #CONCURRENCY}; batch is {@link #BATCH_SIZE}; pool, buffer or cache with a
   * size or unit ({@code _mb}, {@code _bytes}, {@code _size}) is {@link #POOL_SIZE}; a categorical
   * knob named compression, compress or codec is {@link #COMPRESSION}, any other {@link #CHOICE};
   * any other numeric knob {@link #OTHER}.
   */
  public static KnobKind infer(String name, boolean categorical) {
    String n = name.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    String[] words = n.split("_");
    if (categorical) {
      return has(words, "compression", "compress", "codec") ? COMPRESSION : CHOICE;
    }
    if (has(words, "workers", "worker", "threads", "concurrency", "parallelism", "consumers")) {
      return CONCURRENCY;
    }
    if (has(words, "batch", "batching")) {
      return BATCH_SIZE;
    }
    if (has(words, "pool", "buffer", "buffers", "cache")
        && has(words, "mb", "mib", "bytes", "size", "kb", "gb")) {
      return POOL_SIZE;
    }
    return OTHER;
  }

  private static boolean has(String[] words, String... wanted) {
    for (String w : words) {
      for (String x : wanted) {
        if (w.equals(x)) {
          return true;
        }
      }
    }
    return false;
  }
}
