package io.pipewatch.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * An answer that is asked for at most once per period, for reads too costly to make on every
 * request. Once one answer has come, callers never wait on a newer one: while it is being asked,
 * the last answer is served (so a busy route does not stall each period). Until a first answer has
 * come, callers share the one being asked; a failed ask with nothing to fall back on is repeated on
 * the next call.
 */
final class ReusedAnswer<T> {

  private record State<T>(long askedNanos, CompletableFuture<T> asked, T lastGood) {}

  private final Supplier<? extends CompletionStage<T>> ask;
  private final long periodNanos;
  private final LongSupplier nanoClock;
  private final AtomicReference<State<T>> state = new AtomicReference<>();

  ReusedAnswer(Duration period, Supplier<? extends CompletionStage<T>> ask) {
    this(period, ask, System::nanoTime);
  }

  ReusedAnswer(
      Duration period, Supplier<? extends CompletionStage<T>> ask, LongSupplier nanoClock) {
    this.ask = ask;
    this.periodNanos = period.toNanos();
    this.nanoClock = nanoClock;
  }

  /** The answer to serve now: the current one, the last one while a newer is asked, or the ask. */
  CompletableFuture<T> get() {
    long now = nanoClock.getAsLong();
    State<T> current = state.get();
    if (current != null
        && now - current.askedNanos() < periodNanos
        && !(current.asked().isCompletedExceptionally() && current.lastGood() == null)) {
      return servable(current);
    }
    CompletableFuture<T> fresh = new CompletableFuture<>();
    State<T> next = new State<>(now, fresh, lastGood(current));
    if (!state.compareAndSet(current, next)) {
      return servable(state.get());
    }
    try {
      ask.get()
          .whenComplete(
              (value, failure) -> {
                if (failure != null) {
                  fresh.completeExceptionally(failure);
                } else {
                  fresh.complete(value);
                }
              });
    } catch (RuntimeException e) {
      fresh.completeExceptionally(e);
    }
    return servable(next);
  }

  private static <T> CompletableFuture<T> servable(State<T> s) {
    if (answered(s.asked()) || s.lastGood() == null) {
      return s.asked();
    }
    return CompletableFuture.completedFuture(s.lastGood());
  }

  private static <T> T lastGood(State<T> s) {
    if (s == null) {
      return null;
    }
    return answered(s.asked()) ? s.asked().join() : s.lastGood();
  }

  private static boolean answered(CompletableFuture<?> f) {
    return f.isDone() && !f.isCompletedExceptionally();
  }
}
