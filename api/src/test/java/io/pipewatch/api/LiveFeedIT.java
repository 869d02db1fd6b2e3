package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live feed on a whole node (real journal, real alert router): a WebSocket client gets its
 * DashboardUpdates, a test alert raised over REST arrives as an {@code Alert} event, {@code GET
 * /api/dashboard} shows the same alert and the event's id, its acknowledge over REST arrives as the
 * event {@code acknowledged}, and {@code /metrics} counts the client and its messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveFeedIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private RunningServer server;

  @BeforeAll
  void start() {
    server = RunningServer.start("live-feed", "pipewatch.collector.probe.enabled = false\n");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aClientSeesUpdatesAndAlertsAndTheNodeCountsIt() throws Exception {
    TestProbe<String> messages = server.kit.createTestProbe();
    WebSocket ws =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(
                URI.create(server.baseUrl.replace("http://", "ws://") + "/ws"),
                new WebSocket.Listener() {
                  private final StringBuilder partial = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      messages.getRef().tell(partial.toString());
                      partial.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    JsonNode welcome = json(messages.receiveMessage(WAIT));
    assertThat(welcome.get("type").asText()).isEqualTo("Welcome");
    assertThat(welcome.get("node").asText()).isEqualTo("live-feed");
    ws.sendText(
            "{\"subscribe\":{\"types\":[\"DashboardUpdate\",\"Alert\"],\"interval\":\"100ms\"}}",
            true)
        .get(10, TimeUnit.SECONDS);
    JsonNode update = next(messages, "DashboardUpdate");
    assertThat(update.get("intervalMs").asLong()).isEqualTo(100);
    assertThat(update.get("sources").isArray()).isTrue();

    HttpResponse<String> raised =
        server.post("/api/test-alert", "{\"severity\":\"critical\",\"channel\":\"dashboard\"}");
    assertThat(raised.statusCode()).as(raised.body()).isEqualTo(201);
    String alertId = RunningServer.json(raised).get("id").asText();
    JsonNode alertEvent = next(messages, "Alert");
    assertThat(alertEvent.get("event").asText()).isEqualTo("fired");
    assertThat(alertEvent.get("alert").get("id").asText()).isEqualTo(alertId);
    String eventId = alertEvent.get("id").asText();

    HttpResponse<String> dashboard = server.get("/api/dashboard");
    assertThat(dashboard.statusCode()).as(dashboard.body()).isEqualTo(200);
    JsonNode d = RunningServer.json(dashboard);
    assertThat(d.get("update").get("intervalMs").asLong()).isEqualTo(250);
    assertThat(d.get("update").get("firingAlerts").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(d.get("bottlenecks").isArray()).isTrue();
    assertThat(d.get("optimizer").isArray()).isTrue();
    assertThat(d.get("alerts").findValuesAsText("id")).contains(alertId);
    assertThat(d.get("lastEventId").asText()).isEqualTo(eventId);

    // an operator's acknowledge over REST reaches the client as the alert's next event
    HttpResponse<String> acked =
        server.post("/api/alerts/" + alertId + "/ack", "{\"who\":\"ana\",\"note\":\"mine\"}");
    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
    JsonNode ackEvent = next(messages, "Alert");
    assertThat(ackEvent.get("event").asText()).isEqualTo("acknowledged");
    assertThat(ackEvent.get("alert").get("id").asText()).isEqualTo(alertId);
    assertThat(ackEvent.get("alert").get("status").asText()).isEqualTo("acknowledged");
    assertThat(Long.parseLong(ackEvent.get("id").asText())).isGreaterThan(Long.parseLong(eventId));

    String metrics = server.get("/metrics").body();
    assertThat(metrics)
        .contains("pipewatch_websocket_clients 1.0")
        .contains("pipewatch_websocket_messages_sent_total{type=\"Welcome\"}")
        .contains("pipewatch_websocket_messages_sent_total{type=\"Alert\"}")
        .contains("pipewatch_websocket_dropped_updates_total");

    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    server
        .kit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              String after = server.get("/metrics").body();
              assertThat(after)
                  .contains("pipewatch_websocket_clients 0.0")
                  .contains("pipewatch_websocket_disconnects_total{reason=\"closed\"} 1.0");
              return null;
            });
  }

  private static JsonNode next(TestProbe<String> probe, String type) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode m = json(probe.receiveMessage(WAIT));
      if (m.get("type").asText().equals(type)) {
        return m;
      }
    }
    throw new AssertionError("no " + type);
  }

  private static JsonNode json(String text) throws Exception {
    return JsonSupport.MAPPER.readTree(text);
  }
}
