package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The thin AlertRouter logs every analysis event it is sent and counts them. */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRouterTest {
  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(com.typesafe.config.ConfigFactory.load("application-test"));

  @Test
  void logsAndCountsAnalysisEvents() {
    ActorRef<AlertRouter.Command> router = testKit.spawn(AlertRouter.create());
    Bottleneck bottleneck =
        new Bottleneck(
            "svc/cpu/1",
            "svc",
            BottleneckKind.CPU,
            Severity.CRITICAL,
            0.9,
            0.8,
            List.of(),
            1_000,
            1_000,
            0,
            -1);

    LoggingTestKit.info("svc/cpu/1")
        .expect(
            testKit.system(),
            () -> {
              router.tell(
                  new AlertRouter.AnalysisAlert(
                      new BottleneckAnalyzer.BottleneckDetected(bottleneck)));
              return null;
            });

    TestProbe<AlertRouter.Summary> summary = testKit.createTestProbe();
    router.tell(new AlertRouter.GetSummary(summary.getRef()));
    assertThat(summary.receiveMessage().raised()).isEqualTo(1);
  }
}
