package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReusedAnswerTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<CompletableFuture<String>> asks = new ArrayList<>();
  private final ReusedAnswer<String> answer =
      new ReusedAnswer<>(
          Duration.ofSeconds(1),
          () -> {
            CompletableFuture<String> ask = new CompletableFuture<>();
            asks.add(ask);
            return ask;
          },
          nanos::get);

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void callersShareTheFirstAskAndItsAnswerForOnePeriod() {
    CompletableFuture<String> first = answer.get();
    CompletableFuture<String> second = answer.get();
    assertThat(asks).hasSize(1);
    assertThat(first).isNotDone();
    asks.get(0).complete("a");
    assertThat(second).isCompletedWithValue("a");
    advance(Duration.ofMillis(999));
    assertThat(answer.get()).isCompletedWithValue("a");
    assertThat(asks).hasSize(1);
  }

  @Test
  void afterThePeriodTheLastAnswerIsServedWhileANewOneIsAsked() {
    answer.get();
    asks.get(0).complete("a");
    advance(Duration.ofSeconds(1));
    assertThat(answer.get()).as("no caller waits for the refresh").isCompletedWithValue("a");
    assertThat(answer.get()).isCompletedWithValue("a");
    assertThat(asks).as("one refresh, shared").hasSize(2);
    asks.get(1).complete("b");
    assertThat(answer.get()).isCompletedWithValue("b");
  }

  @Test
  void aFailedRefreshKeepsServingTheLastAnswerUntilTheNextPeriod() {
    answer.get();
    asks.get(0).complete("a");
    advance(Duration.ofSeconds(2));
    answer.get();
    asks.get(1).completeExceptionally(new IllegalStateException("journal down"));
    assertThat(answer.get()).isCompletedWithValue("a");
    assertThat(asks).hasSize(2);
    advance(Duration.ofSeconds(1));
    assertThat(answer.get()).isCompletedWithValue("a");
    assertThat(asks).hasSize(3);
    asks.get(2).complete("c");
    assertThat(answer.get()).isCompletedWithValue("c");
  }

  @Test
  void aFailedFirstAskIsRepeatedOnTheNextCall() {
    CompletableFuture<String> first = answer.get();
    asks.get(0).completeExceptionally(new IllegalStateException("journal down"));
    assertThat(first).isCompletedExceptionally();
    CompletableFuture<String> second = answer.get();
    assertThat(asks).hasSize(2);
    asks.get(1).complete("a");
    assertThat(second).isCompletedWithValue("a");
  }

  @Test
  void anAskThatThrowsFailsThatCallOnly() {
    ReusedAnswer<String> throwing =
        new ReusedAnswer<>(
            Duration.ofSeconds(1),
            () -> {
              throw new IllegalStateException("no actor");
            },
            nanos::get);
    assertThat(throwing.get()).isCompletedExceptionally();
    assertThat(throwing.get()).isCompletedExceptionally();
  }
}
