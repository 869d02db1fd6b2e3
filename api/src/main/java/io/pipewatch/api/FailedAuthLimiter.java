package io.pipewatch.api;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Throttles token guessing: a client address that failed authentication (401) {@code limit} times
 * in the last {@code windowNanos} is answered 429 with Retry-After, before any token is looked at,
 * until its oldest failure leaves the window. Memory is bounded: at most {@link #MAX_CLIENTS}
 * addresses are tracked, the longest idle ones forgotten first. Thread-safe (one lock; only
 * failures and requests of throttled clients take it).
 */
final class FailedAuthLimiter {
  static final int MAX_CLIENTS = 10_000;

  private final int limit;
  private final long windowNanos;
  private final Map<String, ArrayDeque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true);

  FailedAuthLimiter(int limit, long windowNanos) {
    this.limit = limit;
    this.windowNanos = windowNanos;
  }

  /** 0 when {@code client} may try now, else seconds to wait. */
  synchronized long waitSeconds(String client, long now) {
    ArrayDeque<Long> times = failures.get(client);
    if (times == null) {
      return 0;
    }
    while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
      times.removeFirst();
    }
    if (times.size() < limit) {
      return 0;
    }
    long wait = times.peekFirst() + windowNanos - now;
    return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
  }

  /** Records one failed authentication of {@code client}. */
  synchronized void failed(String client, long now) {
    failures.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
    ArrayDeque<Long> times = failures.get(client);
    while (times.size() > limit) {
      times.removeFirst();
    }
    if (failures.size() > MAX_CLIENTS) {
      Iterator<String> eldest = failures.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }
}
