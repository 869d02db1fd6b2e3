package io.pipewatch.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The last {@code limit} elements in an order, kept while a stream of any length goes by: a heap of
 * at most {@code limit} elements whose head is the oldest kept, replaced whenever a newer one
 * comes. Memory is bounded by {@code limit} whatever the stream's length, so a history read over
 * every source's journal holds one page, not every event (M8). Not thread-safe: one stream's fold.
 *
 * <pre>{@code
 * source.runWith(Sink.fold(new NewestEntries<>(100, order), NewestEntries::add), system)
 *     .thenApply(NewestEntries::sorted);
 * }</pre>
 *
 * @param <T> the element type
 */
final class NewestEntries<T> {
  private final int limit;
  private final Comparator<T> order;
  private final PriorityQueue<T> kept;

  NewestEntries(int limit, Comparator<T> order) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
    this.order = order;
    this.kept = new PriorityQueue<>(Math.min(limit, 1024), order);
  }

  /** Offers {@code element}; returns this (a fold step). */
  NewestEntries<T> add(T element) {
    if (kept.size() < limit) {
      kept.add(element);
    } else if (order.compare(element, kept.peek()) > 0) {
      kept.poll();
      kept.add(element);
    }
    return this;
  }

  /** How many are kept now (at most {@code limit}). */
  int size() {
    return kept.size();
  }

  /** The kept elements, oldest first. */
  List<T> sorted() {
    List<T> out = new ArrayList<>(kept);
    out.sort(order);
    return out;
  }
}
