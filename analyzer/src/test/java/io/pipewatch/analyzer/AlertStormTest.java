package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.analyzer.alert.AlertSignal;
import io.pipewatch.analyzer.alert.Channels;
import io.pipewatch.analyzer.alert.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An alert storm through the router actor to a real HTTP receiver: 200 alerts from 50 sources in 10
 * s, then one critical alert from a source nobody has heard of. The critical one is delivered long
 * before the rate window ends (its delay is printed, not asserted: the machine is shared); the
 * storm arrives grouped within the channel's budgets, and every alert of it is in some delivered
 * notification, the held-back ones in the window's summary.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertStormTest {
  private static final Duration WAIT = Duration.ofSeconds(40);

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(AlertRouterTest.config());

  private final WebhookReceiver receiver = WebhookReceiver.start();

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  @Test
  void aNewCriticalGetsThroughAStormAndNothingOfTheStormIsLost() throws Exception {
    AlertSettings settings =
        AlertSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.alerts.channels.dashboard.enabled = false\n"
                        + "pipewatch.alerts.channels.webhook.url = \""
                        + receiver.url()
                        + "\"\n"
                        + "pipewatch.alerts.channels.webhook.route = [\"origin!=system\"]\n"
                        // a short window, so that the test sees its summary
                        + "pipewatch.alerts.channel-defaults.rate-window = 20s\n")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
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
    String[] kinds = {"cpu", "memory", "io", "queue"};
    int n = 0;
    for (int source = 0; source < 50; source++) {
      for (String kind : kinds) {
        Severity severity = n++ % 5 == 0 ? Severity.CRITICAL : Severity.WARNING;
        router.tell(new AlertRouter.Raise(signal("storm-" + source, kind, severity)));
        Thread.sleep(50); // 200 alerts in 10 s, as a storm arrives
      }
    }
    long raised = System.nanoTime();
    router.tell(new AlertRouter.Raise(signal("host/db-1", "cpu", Severity.CRITICAL)));
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(10),
            () -> {
              assertThat(sources(receiver.accepted())).contains("host/db-1");
              return null;
            });
    System.out.printf(
        "ALERT-STORM the new critical reached the webhook %d ms after it was raised%n",
        (System.nanoTime() - raised) / 1_000_000);

    // the window ends: its summary names what the limit held back; no alert of the storm is lost
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(100),
            () -> {
              Set<String> told = new HashSet<>();
              for (WebhookReceiver.Request r : receiver.accepted()) {
                r.body().path("alerts").forEach(a -> told.add(a.path("fingerprint").asText()));
              }
              assertThat(told).hasSize(201);
              return null;
            });
    List<WebhookReceiver.Request> all = receiver.accepted();
    assertThat(all).anyMatch(r -> r.body().path("kind").asText().equals("summary"));
    // past the 10 regular notifications of the window, critical ones went out in batches at
    // least a second apart (the router's own clock, the notifications' createdAt)
    List<Instant> batches =
        all.stream()
            .filter(r -> r.body().path("kind").asText().equals("firing"))
            .map(r -> Instant.parse(r.body().path("createdAt").asText()))
            .sorted()
            .skip(10)
            .toList();
    for (int i = 1; i < batches.size(); i++) {
      assertThat(Duration.between(batches.get(i - 1), batches.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }
    System.out.printf(
        "ALERT-STORM %d notifications carried 201 alerts (%d critical batches)%n",
        all.size(), batches.size());
  }

  private static Set<String> sources(List<WebhookReceiver.Request> requests) {
    Set<String> sources = new HashSet<>();
    for (WebhookReceiver.Request r : requests) {
      if (r.body().path("kind").asText().equals("firing")) {
        for (JsonNode a : r.body().path("alerts")) {
          sources.add(a.path("labels").path("source").asText());
        }
      }
    }
    return sources;
  }

  private static AlertSignal signal(String source, String kind, Severity severity) {
    return new AlertSignal(
        "bottleneck/" + source + "/" + kind + "/rule",
        true,
        severity,
        kind + " bottleneck on " + source,
        "storm",
        Map.of(
            "alertname",
            kind + "-bottleneck",
            "source",
            source,
            "kind",
            kind,
            "origin",
            "bottleneck"),
        List.of(),
        List.of(source),
        null);
  }
}
