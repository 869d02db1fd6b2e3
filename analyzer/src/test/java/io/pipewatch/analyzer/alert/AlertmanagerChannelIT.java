package io.pipewatch.analyzer.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.Severity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alertmanager channel against the real Alertmanager binary, whose one route posts to a real
 * webhook receiver of this test: a pushed alert is listed by Alertmanager's API v2 and by {@code
 * amtool} (queried by its labels), reaches the receiver through Alertmanager's routing, and its
 * resolution ends it there; with a second, dead Alertmanager URL the alert still arrives and the
 * attempt is retried for the dead one only.
 */
class AlertmanagerChannelIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ActorTestKit KIT = ActorTestKit.create();

  private final HttpClient http = HttpClient.newHttpClient();
  private WebhookReceiver hook;
  private RealAlertmanager am;
  private AlertmanagerChannel channel;

  @BeforeEach
  void start() throws Exception {
    hook = WebhookReceiver.start();
    am = RealAlertmanager.start(hook.url());
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    am.close();
    hook.close();
  }

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private AlertmanagerChannel channel(String urls) {
    AlertSettings s =
        AlertSettings.create(
            ConfigFactory.parseString(
                    "pipewatch.alerts.channels.alertmanager { urls = \""
                        + urls
                        + "\", resend-interval = 1s, retry.timeout = 2s }")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    AlertSettings.ChannelSettings c =
        s.channels().stream()
            .filter(x -> x.name().equals("alertmanager"))
            .findFirst()
            .orElseThrow();
    assertThat(c.type()).isEqualTo(AlertSettings.ChannelType.ALERTMANAGER);
    return new AlertmanagerChannel(c, "http://pipewatch.test:8080");
  }

  private static Alert alert(String name, long starts, long ends) {
    return new Alert(
        UUID.randomUUID().toString(),
        "bottleneck/" + name,
        Severity.CRITICAL,
        "CPU saturated on " + name,
        "cpu at 99% for 30s",
        Map.of(
            "alertname",
            "bottleneck",
            "source",
            name,
            "kind",
            "cpu",
            "origin",
            "bottleneck",
            "failing-channel",
            "x"),
        List.of("cpu.usage 0.99 > 0.9"),
        List.of(name),
        starts,
        ends,
        starts,
        ends == 0 ? AlertStatus.FIRING : AlertStatus.RESOLVED,
        List.of(),
        null,
        List.of(),
        0,
        false,
        1);
  }

  private static Notification notification(Notification.Kind kind, Alert a) {
    return new Notification(
        UUID.randomUUID().toString(),
        "alertmanager",
        kind,
        "source=" + a.source(),
        List.of(a),
        System.currentTimeMillis(),
        System.currentTimeMillis(),
        0,
        List.of());
  }

  private JsonNode amAlerts() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(am.url() + "/api/v2/alerts")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static <T> void eventually(Runnable check) {
    TestProbe<Object> probe = KIT.createTestProbe();
    probe.awaitAssert(
        WAIT,
        () -> {
          check.run();
          return null;
        });
  }

  /** The webhook payloads Alertmanager sent with {@code status} naming the alert's source. */
  private List<JsonNode> hookPayloads(String status, String source) {
    List<JsonNode> out = new ArrayList<>();
    for (WebhookReceiver.Request r : hook.requests()) {
      JsonNode body = r.body();
      if (body.path("status").asText().equals(status)
          && body.path("alerts").toString().contains("\"source\":\"" + source + "\"")) {
        out.add(body);
      }
    }
    return out;
  }

  @Test
  void aPushedAlertIsListedRoutedQueriedByAmtoolAndResolved() throws Exception {
    channel = channel(am.url());
    long starts = System.currentTimeMillis() - 1000;
    Alert firing = alert("svc-am-1", starts, 0);

    AlertChannel.Delivery d =
        channel
            .deliver(notification(Notification.Kind.FIRING, firing))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.DELIVERED);

    JsonNode listed = amAlerts();
    assertThat(listed).hasSize(1);
    JsonNode a = listed.get(0);
    assertThat(a.path("labels").path("alertname").asText()).isEqualTo("bottleneck");
    assertThat(a.path("labels").path("source").asText()).isEqualTo("svc-am-1");
    assertThat(a.path("labels").path("kind").asText()).isEqualTo("cpu");
    assertThat(a.path("labels").path("severity").asText()).isEqualTo("critical");
    // a label name Prometheus would refuse is made valid
    assertThat(a.path("labels").path("failing_channel").asText()).isEqualTo("x");
    assertThat(a.path("annotations").path("summary").asText())
        .isEqualTo("CPU saturated on svc-am-1");
    assertThat(a.path("annotations").path("evidence").asText()).contains("cpu.usage");
    assertThat(a.path("annotations").path("dashboard").asText())
        .isEqualTo("http://pipewatch.test:8080/#/alerts/" + firing.id());
    assertThat(a.path("generatorURL").asText())
        .isEqualTo("http://pipewatch.test:8080/api/alerts/" + firing.id());
    assertThat(a.path("status").path("state").asText()).isEqualTo("active");

    // Alertmanager routes it to its receiver, our webhook
    eventually(() -> assertThat(hookPayloads("firing", "svc-am-1")).isNotEmpty());
    assertThat(hookPayloads("firing", "svc-am-1").get(0).path("version").asText()).isEqualTo("4");

    // amtool finds it by its labels
    Process amtool =
        new ProcessBuilder(
                "amtool",
                "--alertmanager.url=" + am.url(),
                "alert",
                "query",
                "source=svc-am-1",
                "kind=cpu",
                "-o",
                "json")
            .redirectErrorStream(true)
            .start();
    String out = new String(amtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(amtool.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(amtool.exitValue()).as(out).isZero();
    JsonNode queried = JSON.readTree(out);
    assertThat(queried).hasSize(1);
    assertThat(queried.get(0).path("fingerprint").asText())
        .isEqualTo(a.path("fingerprint").asText());

    // the resolution ends it: gone from the active list, "resolved" through the route
    Alert resolved = alert("svc-am-1", starts, System.currentTimeMillis());
    d =
        channel
            .deliver(notification(Notification.Kind.RESOLVED, resolved))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.DELIVERED);
    eventually(() -> assertThat(hookPayloads("resolved", "svc-am-1")).isNotEmpty());
    assertThat(amAlerts()).isEmpty();

    // an alert that came from Alertmanager is not pushed back to it
    Alert echo = alert("svc-am-echo", System.currentTimeMillis(), 0);
    Map<String, String> labels = new java.util.HashMap<>(echo.labels());
    labels.put("origin", "alertmanager");
    echo =
        echo.withContent(
            echo.severity(),
            echo.title(),
            echo.description(),
            labels,
            echo.evidence(),
            echo.sources(),
            echo.startsMillis());
    d =
        channel
            .deliver(notification(Notification.Kind.FIRING, echo))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(d.detail()).contains("not pushed back");
    assertThat(amAlerts()).isEmpty();
  }

  @Test
  void firingAlertsArePushedAgainWhileTheyFire() throws Exception {
    channel = channel(am.url());
    Alert firing = alert("svc-am-resend", System.currentTimeMillis(), 0);
    channel
        .deliver(notification(Notification.Kind.FIRING, firing))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    String first = amAlerts().get(0).path("updatedAt").asText();
    // re-sent every second (resend-interval = 1s): Alertmanager sees it updated
    eventually(
        () -> {
          try {
            assertThat(amAlerts().get(0).path("updatedAt").asText()).isNotEqualTo(first);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    assertThat(channel.resendFailures()).isZero();
  }

  @Test
  void withOneOfTwoAlertmanagersDownAlertsStillArrive() throws Exception {
    String dead = "http://127.0.0.1:" + RealAlertmanager.freePort();
    channel = channel(dead + "," + am.url());
    Notification n =
        notification(Notification.Kind.FIRING, alert("svc-am-ha", System.currentTimeMillis(), 0));

    AlertChannel.Delivery d = channel.deliver(n).toCompletableFuture().get(10, TimeUnit.SECONDS);
    // retried (the worker counts it toward "channel failing"), naming the dead instance only
    assertThat(d.outcome()).isEqualTo(AlertChannel.Delivery.Outcome.RETRY);
    assertThat(d.detail()).contains(dead).doesNotContain(am.url());
    assertThat(amAlerts()).hasSize(1);
    eventually(() -> assertThat(hookPayloads("firing", "svc-am-ha")).isNotEmpty());
  }
}
