package io.pipewatch.collector;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A sliding-window limit per client: at most {@code limit} events (new sources) in any {@code
 * window}. Keeps the times of each client's events within the window, so memory follows the clients
 * active in the last window. Plain logic, not thread-safe (owned by the {@link SourceDirectory}).
 */
final class ClientLimits {
  private final int limit;
  private final long windowNanos;
  private final Map<String, ArrayDeque<Long>> events = new HashMap<>();

  ClientLimits(int limit, Duration window) {
    this.limit = limit;
    this.windowNanos = window.toNanos();
  }

  /** 0 when {@code client} may have one more event at {@code now}, else nanoseconds to wait. */
  long waitNanos(String client, long now) {
    ArrayDeque<Long> times = events.get(client);
    if (times == null) {
      return 0;
    }
    dropOld(times, now);
    if (times.size() < limit) {
      return 0;
    }
    return times.peekFirst() + windowNanos - now;
  }

  /** Records one event of {@code client} at {@code now}. */
  void record(String client, long now) {
    events.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
  }

  /** Forgets events older than the window (call now and then). */
  void forgetBefore(long now) {
    Iterator<ArrayDeque<Long>> it = events.values().iterator();
    while (it.hasNext()) {
      ArrayDeque<Long> times = it.next();
      dropOld(times, now);
      if (times.isEmpty()) {
        it.remove();
      }
    }
  }

  /** Clients with events in the window. */
  int clients() {
    return events.size();
  }

  private void dropOld(ArrayDeque<Long> times, long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= windowNanos) {
      times.removeFirst();
    }
  }
}
