package io.pipewatch.collector.semantics;

import io.pipewatch.collector.MetricKind;

/**
 * The last resort: what a metric's name, kind and unit say in plain words. A counter whose name
 * says processed, completed, done or succeeded is throughput; failed, error, rejected or dropped is
 * errors; submitted, received, arrived or enqueued is arrivals. A histogram, summary or timer of
 * seconds (or named duration, latency, time) is latency. {@code <x>_queue_{length,depth,size}} is a
 * queue length and {@code <x>_queue_{limit,capacity,max}} its capacity (pair {@code <x>_queue});
 * in-flight, in-progress, active or busy gauges are in flight; workers, threads, pool size are the
 * pool's size; lag is consumer lag; a cpu ratio is CPU utilisation.
 */
final class GenericConvention implements Convention {

  private static final String[] DONE = {
    "processed", "completed", "done", "succeeded", "success", "handled", "finished"
  };
  private static final String[] FAILED = {
    "failed",
    "failure",
    "failures",
    "error",
    "errors",
    "rejected",
    "dropped",
    "timeouts",
    "timedout"
  };
  private static final String[] ARRIVED = {
    "submitted", "received", "arrived", "arrivals", "enqueued", "incoming", "ingested"
  };
  private static final String[] QUEUE_LEVEL = {"length", "depth", "size", "len", "backlog"};
  private static final String[] QUEUE_LIMIT = {"limit", "capacity", "max", "bound", "cap"};

  @Override
  public String name() {
    return "generic";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    String[] words = s.stem().split("_");
    if (s.counter() || s.normalized().endsWith("_total")) {
      if (has(words, FAILED)) {
        return role(Role.ERRORS, Unit.PER_SECOND, "counter named " + hit(words, FAILED));
      }
      if (has(words, DONE)) {
        return role(Role.THROUGHPUT, Unit.PER_SECOND, "counter named " + hit(words, DONE));
      }
      if (has(words, ARRIVED)) {
        return role(Role.ARRIVALS, Unit.PER_SECOND, "counter named " + hit(words, ARRIVED));
      }
    }
    if (s.distribution()) {
      boolean seconds =
          s.normalized().endsWith("_seconds")
              || s.unit().equals("s")
              || s.kind() == MetricKind.TIMER;
      if (seconds || has(words, new String[] {"duration", "latency", "time", "elapsed"})) {
        return role(
            Role.LATENCY,
            seconds ? Unit.SECONDS : Unit.UNKNOWN,
            (s.kind() == MetricKind.TIMER ? "timer" : "distribution") + " of durations");
      }
      return null;
    }
    int q = index(words, "queue");
    if (q >= 0 && q + 1 < words.length) {
      String pair = String.join("_", java.util.Arrays.copyOf(words, q + 1));
      String after = words[q + 1];
      if (has(new String[] {after}, QUEUE_LIMIT)) {
        return role(Role.QUEUE_CAPACITY, Unit.COUNT, "queue " + after).paired(pair);
      }
      if (has(new String[] {after}, QUEUE_LEVEL)) {
        return role(Role.QUEUE_LENGTH, Unit.COUNT, "queue " + after).paired(pair);
      }
    }
    if (has(words, new String[] {"backlog", "queued", "pending", "waiting"})) {
      return role(
          Role.QUEUE_LENGTH,
          Unit.COUNT,
          "items " + hit(words, new String[] {"backlog", "queued", "pending", "waiting"}));
    }
    if (has(words, new String[] {"lag"})) {
      return role(Role.CONSUMER_LAG, Unit.COUNT, "named lag");
    }
    if (s.stem().contains("in_flight")
        || s.stem().contains("in_progress")
        || has(words, new String[] {"inflight", "active", "busy", "running", "inprogress"})) {
      return role(Role.IN_FLIGHT, Unit.COUNT, "work in progress");
    }
    if (has(words, new String[] {"workers", "threads", "concurrency", "parallelism"})
        || s.stem().endsWith("pool_size")) {
      return role(Role.WORKERS, Unit.COUNT, "pool size");
    }
    if (has(words, new String[] {"cpu"})
        && (s.normalized().endsWith("_ratio")
            || has(words, new String[] {"utilization", "utilisation", "usage"}))) {
      return role(Role.CPU_UTILIZATION, Unit.RATIO, "CPU ratio");
    }
    return null;
  }

  private static boolean has(String[] words, String[] wanted) {
    return hit(words, wanted) != null;
  }

  private static String hit(String[] words, String[] wanted) {
    for (String w : words) {
      for (String x : wanted) {
        if (w.equals(x)) {
          return x;
        }
      }
    }
    return null;
  }

  private static int index(String[] words, String word) {
    for (int i = 0; i < words.length; i++) {
      if (words[i].equals(word)) {
        return i;
      }
    }
    return -1;
  }
}
