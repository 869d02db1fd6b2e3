package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.alert.Alert;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.analyzer.alert.AlertStatus;
import io.pipewatch.analyzer.alert.Channels;
import io.pipewatch.analyzer.alert.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The router's leases against a real {@link BottleneckBoard} fed by the analysis topic: a cause the
 * board holds opens an alert the router was never told about (a message lost in a restart), and an
 * alert whose cause the board no longer holds resolves when its lease ends, with a note, although
 * the router never heard the resolve. Its own kit: the board it registers would lease the alerts of
 * other router tests.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertLeaseTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(AlertRouterTest.config());

  private final WebhookReceiver receiver = WebhookReceiver.start();

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  @Test
  void theBoardsAndTheRouterAgreeInBothDirections() {
    AlertSettings settings =
        AlertSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.alerts.channels.dashboard.enabled = false\n"
                        + "pipewatch.alerts.channels.webhook.url = \""
                        + receiver.url()
                        + "\"\n"
                        + "pipewatch.alerts.channels.webhook.route = [\"origin!=system\"]\n"
                        + "pipewatch.alerts.lease { duration = 1s, check-interval = 200ms }\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    ActorRef<Topic.Command<AnalysisEvent>> topic =
        testKit.spawn(Topic.create(AnalysisEvent.class, "analysis-" + UUID.randomUUID()));
    testKit.spawn(
        BottleneckBoard.create(
            AnalyzerSettings.create(testKit.system().settings().config()), topic));
    ActorRef<AlertRouter.Command> router =
        testKit.spawn(
            AlertRouter.create(
                settings,
                new AlertRouter.Collaborators(
                    Channels.create(settings, testKit.system()),
                    null,
                    null,
                    Clock.systemUTC(),
                    "AlertRouter-" + UUID.randomUUID(),
                    null)));

    // the analyzer's message to the router is lost; only the board hears of the bottleneck
    Bottleneck cpu =
        AlertRouterTest.bottleneck("host/node-1", BottleneckKind.CPU, Severity.CRITICAL, true);
    topic.tell(Topic.publish(new BottleneckAnalyzer.BottleneckDetected(cpu)));
    Alert opened = await(router, AlertStatus.FIRING);
    assertThat(opened.lease()).isNotNull();
    assertThat(opened.lease().expiresMillis() - opened.lease().refreshedMillis()).isEqualTo(1000);

    // the resolve reaches the board only: the alert's lease runs out
    topic.tell(
        Topic.publish(
            new BottleneckAnalyzer.BottleneckResolved(
                AlertRouterTest.bottleneck(
                    "host/node-1", BottleneckKind.CPU, Severity.CRITICAL, false))));
    Alert resolved = await(router, AlertStatus.RESOLVED);
    Alert.Transition last = resolved.history().get(resolved.history().size() - 1);
    assertThat(last.by()).isEqualTo("lease");
    assertThat(last.note()).startsWith("cause not seen since ");
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(receiver.accepted())
                  .extracting(r -> r.body().path("kind").asText())
                  .containsExactly("firing", "resolved");
              return null;
            });
  }

  private Alert await(ActorRef<AlertRouter.Command> router, AlertStatus status) {
    TestProbe<AlertQuery.Page> probe = testKit.createTestProbe();
    return probe.awaitAssert(
        WAIT,
        Duration.ofMillis(50),
        () -> {
          router.tell(
              new AlertRouter.ListAlerts(
                  new AlertQuery(null, null, null, 0, 0, 100), probe.getRef()));
          List<Alert> alerts = probe.receiveMessage(WAIT).alerts();
          assertThat(alerts).hasSize(1);
          assertThat(alerts.get(0).status()).isEqualTo(status);
          return alerts.get(0);
        });
  }
}
