package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.simulator.FaultRequest;
import io.pipewatch.simulator.PipelineSimulator;
import io.pipewatch.simulator.SimulatorSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo pipeline never makes an actor thread wait for the simulator: with the simulator's lock
 * held elsewhere, the actors sharing the demo's one-thread dispatcher keep working, only a thread
 * of the blocking dispatcher waits, and stopping the actor does not wait either.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoPipelineTest {
  private static final String ONE_THREAD = "one-thread-dispatcher";

  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(
          ConfigFactory.parseString(
                  ONE_THREAD
                      + " { type = Dispatcher, executor = thread-pool-executor,"
                      + " thread-pool-executor.fixed-pool-size = 1, throughput = 1 }")
              .withFallback(ConfigFactory.load("application-test")));

  private record Ping(ActorRef<String> replyTo)
      implements org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private static final Behavior<Ping> ECHO =
      Behaviors.receiveMessage(
          ping -> {
            ping.replyTo().tell("pong");
            return Behaviors.same();
          });

  @Test
  void aBusySimulatorBlocksNoActorThread() throws Exception {
    PipelineSimulator simulator = simulator();
    DispatcherSelector oneThread = DispatcherSelector.fromConfig(ONE_THREAD);
    ActorRef<DemoPipeline.Command> demo =
        testKit.spawn(DemoPipeline.create(simulator), "demo-busy", oneThread);
    ActorRef<Ping> echo = testKit.spawn(ECHO, "echo", oneThread);
    TestProbe<DemoPipeline.Faults> faults = testKit.createTestProbe();
    TestProbe<String> pong = testKit.createTestProbe();

    try (HeldLock held = HeldLock.of(simulator)) {
      demo.tell(new DemoPipeline.ListFaults(faults.getRef()));
      List<String> waiting =
          faults.awaitAssert(
              () -> {
                List<String> threads = threadsBlockedOn(simulator);
                assertThat(threads).isNotEmpty();
                return threads;
              });
      assertThat(waiting).noneMatch(name -> name.contains(ONE_THREAD));

      echo.tell(new Ping(pong.getRef()));
      pong.expectMessage("pong");
      faults.expectNoMessage(Duration.ofMillis(100));
    }

    DemoPipeline.Faults answer = faults.receiveMessage();
    assertThat(answer.all()).isEmpty();
    assertThat(answer.active()).isEmpty();
  }

  @Test
  void injectsAndRefusesOffTheActorThread() {
    ActorRef<DemoPipeline.Command> demo =
        testKit.spawn(DemoPipeline.create(simulator()), "demo-inject");
    TestProbe<DemoPipeline.InjectionResult> result = testKit.createTestProbe();

    demo.tell(
        new DemoPipeline.InjectFault(
            new FaultRequest("cpu-saturation", "embed", "60s", 0.8, null), result.getRef()));
    DemoPipeline.InjectionResult injected = result.receiveMessage();
    assertThat(injected).isInstanceOf(DemoPipeline.Injected.class);
    assertThat(((DemoPipeline.Injected) injected).fault().kind().id()).isEqualTo("cpu-saturation");

    demo.tell(
        new DemoPipeline.InjectFault(
            new FaultRequest("no-such-kind", "embed", "60s", null, null), result.getRef()));
    DemoPipeline.InjectionResult refused = result.receiveMessage();
    assertThat(refused).isInstanceOf(DemoPipeline.Refused.class);
    assertThat(((DemoPipeline.Refused) refused).field()).isEqualTo("kind");
  }

  @Test
  void stopsAtOnceAndClosesTheSimulatorOnceItIsFree() throws Exception {
    PipelineSimulator simulator = simulator();
    ActorRef<DemoPipeline.Command> demo =
        testKit.spawn(DemoPipeline.create(simulator), "demo-stop");
    TestProbe<Object> probe = testKit.createTestProbe();

    try (HeldLock held = HeldLock.of(simulator)) {
      testKit.stop(demo, Duration.ofSeconds(3));
    }

    probe.awaitAssert(
        () -> {
          assertThatThrownBy(() -> simulator.runFor(Duration.ofMillis(1)))
              .hasMessageContaining("closed");
          return null;
        });
  }

  private static PipelineSimulator simulator() {
    return PipelineSimulator.create(SimulatorSettings.defaults(), batch -> {}, 0L);
  }

  /** Names of the threads waiting to enter {@code monitor}. */
  private static List<String> threadsBlockedOn(Object monitor) {
    int id = System.identityHashCode(monitor);
    return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, false))
        .filter(t -> t.getThreadState() == Thread.State.BLOCKED)
        .filter(t -> t.getLockInfo() != null && t.getLockInfo().getIdentityHashCode() == id)
        .map(ThreadInfo::getThreadName)
        .toList();
  }

  /** Holds an object's monitor on a thread of its own (as the simulator's pacing step does). */
  private static final class HeldLock implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread holder;

    private HeldLock(Object monitor) throws InterruptedException {
      CountDownLatch held = new CountDownLatch(1);
      holder =
          new Thread(
              () -> {
                synchronized (monitor) {
                  held.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              },
              "test-holds-simulator-lock");
      holder.start();
      assertThat(held.await(5, TimeUnit.SECONDS)).as("lock taken").isTrue();
    }

    static HeldLock of(Object monitor) throws InterruptedException {
      return new HeldLock(monitor);
    }

    @Override
    public void close() throws InterruptedException {
      release.countDown();
      holder.join(5_000);
    }
  }
}
