package io.pipewatch.analyzer.alert;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Delivers one channel's notifications: at most {@code max-in-flight} attempts at once, the rest
 * queued in order; a failed attempt is retried after the {@link RetryPolicy}'s delay (the
 * receiver's Retry-After when it gave one) until the policy gives up. Reports each notification's
 * end ({@link Settled}) and whether the channel is failing (three attempts in a row failed) or
 * working again ({@link Health}) to its parent, the router. Local to the router's node.
 */
final class ChannelWorker {
  /** Failed attempts in a row after which the channel counts as failing. */
  static final int FAILING_AFTER = 3;

  interface Command extends NoSerializationVerificationNeeded {}

  /** Sends {@code notification}. */
  record Deliver(Notification notification) implements Command {}

  private record Attempted(
      Notification notification, int attempt, long firstMillis, AlertChannel.Delivery delivery)
      implements Command {}

  private record Retry(Notification notification, int attempt, long firstMillis)
      implements Command {}

  /** What the worker tells the router. */
  interface Report extends NoSerializationVerificationNeeded {}

  /** The notification's end: delivered, or given up ({@code delivered = false}). */
  record Settled(Notification notification, boolean delivered, String detail, long atMillis)
      implements Report {}

  /** The channel started failing ({@code failing}) or works again. */
  record Health(String channel, boolean failing, String detail) implements Report {}

  private ChannelWorker() {}

  static Behavior<Command> create(
      AlertChannel channel, AlertSettings.RetrySettings retry, ActorRef<Report> router) {
    RetryPolicy policy = new RetryPolicy(retry, () -> ThreadLocalRandom.current().nextDouble());
    return Behaviors.withTimers(
        timers -> new State(channel, retry.maxInFlight(), policy, router, timers).behavior());
  }

  private static final class State {
    final AlertChannel channel;
    final int maxInFlight;
    final RetryPolicy policy;
    final ActorRef<Report> router;
    final TimerScheduler<Command> timers;
    final Deque<Notification> waiting = new ArrayDeque<>();
    int inFlight;
    int failuresInARow;
    boolean failing;

    State(
        AlertChannel channel,
        int maxInFlight,
        RetryPolicy policy,
        ActorRef<Report> router,
        TimerScheduler<Command> timers) {
      this.channel = channel;
      this.maxInFlight = maxInFlight;
      this.policy = policy;
      this.router = router;
      this.timers = timers;
    }

    Behavior<Command> behavior() {
      return Behaviors.setup(
          ctx ->
              Behaviors.receive(Command.class)
                  .onMessage(
                      Deliver.class,
                      d -> {
                        waiting.add(d.notification());
                        pump(ctx.getSelf());
                        return Behaviors.same();
                      })
                  .onMessage(
                      Retry.class,
                      r -> {
                        attempt(ctx.getSelf(), r.notification(), r.attempt(), r.firstMillis());
                        return Behaviors.same();
                      })
                  .onMessage(
                      Attempted.class,
                      a -> {
                        onAttempted(ctx.getSelf(), a);
                        return Behaviors.same();
                      })
                  .onSignal(
                      PostStop.class,
                      s -> {
                        channel.close();
                        return Behaviors.same();
                      })
                  .build());
    }

    private void pump(ActorRef<Command> self) {
      while (inFlight < maxInFlight && !waiting.isEmpty()) {
        attempt(self, waiting.poll(), 1, System.currentTimeMillis());
      }
    }

    private void attempt(ActorRef<Command> self, Notification n, int attempt, long firstMillis) {
      if (attempt == 1) {
        inFlight++;
      }
      AlertChannel.Delivery failed;
      try {
        channel
            .deliver(n)
            .whenComplete(
                (delivery, error) ->
                    self.tell(
                        new Attempted(
                            n,
                            attempt,
                            firstMillis,
                            error != null
                                ? AlertChannel.Delivery.retry(null, String.valueOf(error))
                                : delivery)));
        return;
      } catch (RuntimeException e) {
        failed = AlertChannel.Delivery.retry(null, e.toString());
      }
      self.tell(new Attempted(n, attempt, firstMillis, failed));
    }

    private void onAttempted(ActorRef<Command> self, Attempted a) {
      AlertChannel.Delivery d = a.delivery();
      long now = System.currentTimeMillis();
      switch (d.outcome()) {
        case DELIVERED -> {
          healthy(true, d.detail());
          finish(self, new Settled(a.notification(), true, d.detail(), now));
        }
        case FAILED -> {
          healthy(false, d.detail());
          finish(self, new Settled(a.notification(), false, d.detail(), now));
        }
        case RETRY -> {
          healthy(false, d.detail());
          Duration delay = policy.next(a.attempt(), d.retryAfter(), a.firstMillis(), now);
          if (delay == null) {
            finish(
                self,
                new Settled(
                    a.notification(),
                    false,
                    "gave up after " + a.attempt() + " attempts: " + d.detail(),
                    now));
          } else {
            timers.startSingleTimer(
                a.notification().id(),
                new Retry(a.notification(), a.attempt() + 1, a.firstMillis()),
                delay);
          }
        }
      }
    }

    private void finish(ActorRef<Command> self, Settled settled) {
      inFlight--;
      router.tell(settled);
      pump(self);
    }

    private void healthy(boolean ok, String detail) {
      if (ok) {
        failuresInARow = 0;
        if (failing) {
          failing = false;
          router.tell(new Health(channel.name(), false, detail));
        }
      } else if (++failuresInARow >= FAILING_AFTER && !failing) {
        failing = true;
        router.tell(new Health(channel.name(), true, detail));
      }
    }
  }
}
