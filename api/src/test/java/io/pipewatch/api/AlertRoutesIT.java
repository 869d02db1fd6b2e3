package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import io.pipewatch.persistence.testkit.TestCassandra;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerting on a whole node with the real Cassandra journal and a real HTTP receiver: a saturated
 * CPU reaches the webhook, alerts are listed, acknowledged and resolved over REST, silences work
 * over REST, bad requests are 4xx naming the field, /metrics has the router's figures, and after a
 * restart the alerts are there with the same status and nothing is notified twice.
 */
class AlertRoutesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private RunningServer server;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          JsonNode body = JsonSupport.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
          assertThat(exchange.getRequestHeaders().getFirst("Idempotency-Key"))
              .isEqualTo(body.get("id").asText());
          received.add(body);
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    receiver.stop(0);
  }

  /** The test Cassandra with keyspaces of this test's own (the router is one per journal). */
  private static Config freshJournal() {
    return TestCassandra.get().freshKeyspaces("alerts");
  }

  private RunningServer start(String name, Config journal) {
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    RunningServer started =
        RunningServer.start(
            name,
            "pipewatch.collector.probe.enabled = false\n"
                // the test posts 40 s of past history at once
                + "pipewatch.collector.ingest.reorder-window = 1m\n"
                + "pipewatch.alerts.journal.recovery-timeout = 60s\n"
                + "pipewatch.alerts.channels.webhook.route = [\"origin!=system\"]\n"
                + "pipewatch.alerts.channels.webhook.url = \""
                + hook
                + "\"\n",
            journal);
    // the router answers once it has its state from the journal (first start: schema creation)
    started
        .kit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(90),
            Duration.ofMillis(500),
            () -> {
              assertThat(started.get("/api/alerts").statusCode()).isEqualTo(200);
              return null;
            });
    return started;
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl + path))
            .header("Content-Type", "application/json");
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReceived(int n) {
    server
        .kit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(50),
            () -> {
              assertThat(received).hasSize(n);
              return null;
            });
  }

  private static void assertError(HttpResponse<String> response, int status, String field)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = RunningServer.json(response);
    assertThat(error.get("field").asText()).isEqualTo(field);
    assertThat(error.get("error").asText()).isNotBlank();
  }

  @Test
  void aSaturatedCpuReachesTheWebhookAndTheAlertIsManagedOverRest() throws Exception {
    server = start("alert-routes", freshJournal());
    long t0 = System.currentTimeMillis() - 40_000;
    int i = 0;
    for (; i < 300; i++) {
      ingest("svc-hot", t0 + i * 100L, 0.30 + 0.02 * Math.sin(i));
    }
    for (; i < 330; i++) {
      ingest("svc-hot", t0 + i * 100L, 0.99);
    }
    server
        .kit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(received).isNotEmpty();
              return null;
            });
    JsonNode alert = received.get(0).get("alerts").get(0);
    assertThat(alert.get("labels").get("source").asText()).isEqualTo("svc-hot");
    assertThat(alert.get("labels").get("kind").asText()).isEqualTo("cpu");
    String id = alert.get("id").asText();

    HttpResponse<String> list = send("GET", "/api/alerts?status=firing&source=svc-hot", null);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode page = RunningServer.json(list);
    assertThat(page.get("total").asInt()).isEqualTo(1);
    assertThat(page.get("alerts").get(0).get("id").asText()).isEqualTo(id);

    HttpResponse<String> acked =
        send("POST", "/api/alerts/" + id + "/ack", "{\"who\":\"ana\",\"note\":\"looking\"}");
    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
    assertThat(RunningServer.json(acked).get("status").asText()).isEqualTo("acknowledged");
    assertThat(RunningServer.json(acked).get("acknowledgement").get("by").asText())
        .isEqualTo("ana");

    JsonNode one = RunningServer.json(send("GET", "/api/alerts/" + id, null));
    assertThat(one.get("notifications").findValuesAsText("channel")).contains("webhook", "log");
    assertThat(one.get("notifications").findValuesAsText("outcome")).contains("sent");

    HttpResponse<String> resolved = send("POST", "/api/alerts/" + id + "/resolve", null);
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    assertThat(RunningServer.json(resolved).get("status").asText()).isEqualTo("resolved");
    server
        .kit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            () -> {
              assertThat(received)
                  .anySatisfy(
                      b -> {
                        assertThat(b.get("kind").asText()).isEqualTo("resolved");
                        assertThat(b.get("alerts").get(0).get("id").asText()).isEqualTo(id);
                      });
              return null;
            });
    assertError(send("POST", "/api/alerts/" + id + "/resolve", "{}"), 409, "id");
    assertError(send("POST", "/api/alerts/nope/ack", "{\"who\":\"ana\"}"), 404, "id");
    assertError(send("GET", "/api/alerts/nope", null), 404, "id");

    HttpResponse<String> metrics = send("GET", "/metrics", null);
    assertThat(metrics.body())
        .contains("pipewatch_alerts_firing{severity=\"critical\"}")
        .contains("pipewatch_alert_notifications_sent_total{channel=\"webhook\"}")
        .contains("pipewatch_alert_delivery_latency_seconds_bucket");
  }

  private void ingest(String source, long timestamp, double cpu) throws Exception {
    HttpResponse<String> response =
        server.post(
            "/api/ingest",
            """
            {"source":"%s","timestamp":%d,"samples":[
              {"name":"pipeline_stage_cpu_usage_ratio","labels":{"stage":"embed"},"kind":"gauge","value":%s}
            ]}"""
                .formatted(source, timestamp, cpu));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  @Test
  void badRequestsAreJson4xxNamingTheField() throws Exception {
    server = start("alert-bad-requests", freshJournal());
    assertError(send("GET", "/api/alerts?colour=red", null), 400, "colour");
    assertError(send("GET", "/api/alerts?status=burning", null), 400, "status");
    assertError(send("GET", "/api/alerts?severity=loud", null), 400, "severity");
    assertError(send("GET", "/api/alerts?since=yesterday", null), 400, "since");
    assertError(send("GET", "/api/alerts?limit=0", null), 400, "limit");
    assertError(send("POST", "/api/alerts/x/ack", "{}"), 400, "who");
    assertError(send("POST", "/api/alerts/x/ack", "{\"who\":5}"), 400, "who");
    assertError(send("POST", "/api/alerts/x/ack", "{\"who\":\"a\",\"mood\":1}"), 400, "mood");
    assertError(send("POST", "/api/alerts/x/ack", "not json"), 400, "body");
    assertError(send("POST", "/api/test-alert", "{\"channel\":\"pager\"}"), 400, "channel");
    assertError(send("POST", "/api/test-alert", "{\"severity\":\"meh\"}"), 400, "severity");
    assertError(send("POST", "/api/silences", "{\"duration\":\"1h\"}"), 400, "matchers");
    assertError(
        send("POST", "/api/silences", "{\"matchers\":[\"source\"],\"duration\":\"1h\"}"),
        400,
        "matchers[0]");
    assertError(send("POST", "/api/silences", "{\"matchers\":[\"a=b\"]}"), 400, "endsAt");
    assertError(
        send("POST", "/api/silences", "{\"matchers\":[\"a=b\"],\"duration\":\"soon\"}"),
        400,
        "duration");
    assertError(
        send(
            "POST",
            "/api/silences",
            "{\"matchers\":[\"a=b\"],\"duration\":\"1h\",\"window\":{\"from\":\"25:00\",\"minutes\":5}}"),
        400,
        "window.from");
    assertError(send("DELETE", "/api/silences/nope", null), 404, "id");
    assertThat(received).isEmpty();
  }

  @Test
  void testAlertsAndSilencesOverRest() throws Exception {
    server = start("alert-silences", freshJournal());
    HttpResponse<String> created =
        send("POST", "/api/test-alert", "{\"severity\":\"critical\",\"note\":\"hello\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    awaitReceived(1);
    assertThat(received.get(0).get("alerts").get(0).get("description").asText()).isEqualTo("hello");

    HttpResponse<String> silence =
        send(
            "POST",
            "/api/silences",
            "{\"matchers\":[\"alertname=test-alert\"],\"duration\":\"1h\",\"createdBy\":\"ana\",\"comment\":\"drill\"}");
    assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);
    String silenceId = RunningServer.json(silence).get("id").asText();
    assertThat(RunningServer.json(send("GET", "/api/silences", null)).get("silences")).hasSize(1);

    JsonNode silenced = RunningServer.json(send("POST", "/api/test-alert", "{}"));
    assertThat(silenced.get("status").asText()).isEqualTo("silenced");
    // the silence held it back: the next alert that is not silenced arrives alone
    HttpResponse<String> deleted = send("DELETE", "/api/silences/" + silenceId, null);
    assertThat(deleted.statusCode()).isEqualTo(204);
    // deleting the silence lets what it held fire: it is notified now
    awaitReceived(2);
    assertThat(received.get(1).get("alerts").get(0).get("id").asText())
        .isEqualTo(silenced.get("id").asText());
  }

  @Test
  void afterARestartTheAlertsAreThereAndNothingIsNotifiedTwice() throws Exception {
    Config journal = freshJournal();
    server = start("alert-restart-1", journal);
    String first = RunningServer.json(send("POST", "/api/test-alert", "{}")).get("id").asText();
    String second = RunningServer.json(send("POST", "/api/test-alert", "{}")).get("id").asText();
    awaitReceived(2);
    assertThat(send("POST", "/api/alerts/" + first + "/ack", "{\"who\":\"ana\"}").statusCode())
        .isEqualTo(200);
    JsonNode before = RunningServer.json(send("GET", "/api/alerts", null));
    server.close();
    server = null;

    server = start("alert-restart-2", journal);
    TestProbe<Object> probe = server.kit.createTestProbe();
    JsonNode after =
        probe.awaitAssert(
            WAIT,
            Duration.ofMillis(200),
            () -> {
              JsonNode page = RunningServer.json(send("GET", "/api/alerts", null));
              assertThat(page.get("total").asInt()).isEqualTo(before.get("total").asInt());
              return page;
            });
    assertThat(status(after, first)).isEqualTo("acknowledged");
    assertThat(status(after, second)).isEqualTo("firing");
    for (JsonNode a : before.get("alerts")) {
      assertThat(status(after, a.get("id").asText())).isEqualTo(a.get("status").asText());
    }
    // a new alert arrives; nothing of before is sent again
    send("POST", "/api/test-alert", "{}");
    awaitReceived(3);
    assertThat(received.stream().map(b -> b.get("id").asText()).distinct()).hasSize(3);
  }

  private static String status(JsonNode page, String id) {
    for (JsonNode a : page.get("alerts")) {
      if (a.get("id").asText().equals(id)) {
        return a.get("status").asText();
      }
    }
    return null;
  }
}
