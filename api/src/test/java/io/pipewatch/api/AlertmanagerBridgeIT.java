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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both bridges on a whole node, with the real Alertmanager binary whose route posts to a real
 * webhook receiver of this test: a Pipewatch alert pushed by the alertmanager channel ({@code
 * pipewatch.alerts.channels.alertmanager.urls}) is listed by Alertmanager and routed to the
 * receiver; the payloads Alertmanager posted there (firing, then resolved), posted to {@code POST
 * /api/alerts/incoming}, create the alert in Pipewatch's list and resolve it; bad payloads are 400
 * naming the field.
 */
class AlertmanagerBridgeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> captured = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private RealAlertmanager alertmanager;
  private String amUrl;
  private RunningServer server;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/am-hook",
        exchange -> {
          captured.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    startAlertmanager("http://127.0.0.1:" + receiver.getAddress().getPort() + "/am-hook");
  }

  private void startAlertmanager(String hook) throws Exception {
    alertmanager = RealAlertmanager.start(hook, "[alertname]");
    amUrl = alertmanager.url();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    alertmanager.close();
    receiver.stop(0);
  }

  /** The test Cassandra with keyspaces of this test's own (the router is one per journal). */
  private static Config freshJournal() {
    return TestCassandra.get().freshKeyspaces("alerts");
  }

  private void eventually(Runnable check) {
    server
        .kit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(100),
            () -> {
              check.run();
              return null;
            });
  }

  private JsonNode amAlerts() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(amUrl + "/api/v2/alerts")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return JsonSupport.MAPPER.readTree(r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The first payload Alertmanager posted with {@code status}. */
  private String capturedWith(String status) throws IOException {
    for (String body : captured) {
      if (JsonSupport.MAPPER.readTree(body).path("status").asText().equals(status)) {
        return body;
      }
    }
    return null;
  }

  private JsonNode incoming(String fingerprint, String status) throws Exception {
    JsonNode page =
        RunningServer.json(server.get("/api/alerts?status=" + status + "&source=pipewatch"));
    for (JsonNode a : page.get("alerts")) {
      if (a.get("fingerprint").asText().equals("alertmanager/" + fingerprint)) {
        return a;
      }
    }
    return null;
  }

  @Test
  void aPipewatchAlertGoesThroughAlertmanagerAndItsWebhookComesBackIn() throws Exception {
    server =
        RunningServer.start(
            "am-bridge",
            "pipewatch.collector.probe.enabled = false\n"
                + "pipewatch.alerts.journal.recovery-timeout = 60s\n"
                + "pipewatch.alerts.channels.alertmanager.urls = \""
                + amUrl
                + "\"\n",
            freshJournal());
    eventually(
        () -> {
          try {
            assertThat(server.get("/api/alerts").statusCode()).isEqualTo(200);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    HttpResponse<String> test =
        server.post("/api/test-alert", "{\"severity\":\"critical\",\"channel\":\"alertmanager\"}");
    assertThat(test.statusCode()).as(test.body()).isEqualTo(201);
    String id = RunningServer.json(test).get("id").asText();

    // pushed to Alertmanager, listed there, routed to the receiver
    eventually(() -> assertThat(amAlerts()).hasSize(1));
    JsonNode pushed = amAlerts().get(0);
    assertThat(pushed.path("labels").path("alertname").asText()).isEqualTo("test-alert");
    assertThat(pushed.path("labels").path("severity").asText()).isEqualTo("critical");
    assertThat(pushed.path("generatorURL").asText()).endsWith("/api/alerts/" + id);
    eventually(
        () -> {
          try {
            assertThat(capturedWith("firing")).isNotNull();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    String firing = capturedWith("firing");
    String fingerprint =
        JsonSupport.MAPPER.readTree(firing).get("alerts").get(0).get("fingerprint").asText();

    // the captured payload, posted to Pipewatch, creates the alert (twice: still one alert)
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> in = server.post("/api/alerts/incoming", firing);
      assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
      assertThat(RunningServer.json(in).get("firing").asInt()).isEqualTo(1);
    }
    eventually(
        () -> {
          try {
            assertThat(incoming(fingerprint, "firing")).isNotNull();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
    JsonNode created = incoming(fingerprint, "firing");
    assertThat(created.get("labels").get("origin").asText()).isEqualTo("alertmanager");
    assertThat(created.get("labels").get("alertname").asText()).isEqualTo("test-alert");
    assertThat(created.get("severity").asText().toLowerCase()).isEqualTo("critical");
    JsonNode all =
        RunningServer.json(server.get("/api/alerts?status=firing&source=pipewatch")).get("alerts");
    assertThat(all.findValuesAsText("fingerprint"))
        .filteredOn(f -> f.equals("alertmanager/" + fingerprint))
        .hasSize(1);

    // resolving in Pipewatch ends it in Alertmanager, whose resolved payload resolves the copy
    HttpResponse<String> resolved = server.post("/api/alerts/" + id + "/resolve", "{}");
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
    eventually(() -> assertThat(amAlerts()).isEmpty());
    eventually(
        () -> {
          try {
            assertThat(capturedWith("resolved")).isNotNull();
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
    HttpResponse<String> in = server.post("/api/alerts/incoming", capturedWith("resolved"));
    assertThat(in.statusCode()).as(in.body()).isEqualTo(200);
    assertThat(RunningServer.json(in).get("resolved").asInt()).isEqualTo(1);
    eventually(
        () -> {
          try {
            assertThat(incoming(fingerprint, "resolved")).isNotNull();
            assertThat(incoming(fingerprint, "firing")).isNull();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    // bad payloads: 400 naming the field
    assertError(
        server.post("/api/alerts/incoming", "{\"version\":\"3\",\"alerts\":[]}"), "version");
    assertError(
        server.post(
            "/api/alerts/incoming",
            "{\"version\":\"4\",\"alerts\":[{\"status\":\"odd\",\"labels\":{\"alertname\":\"x\"},"
                + "\"fingerprint\":\"f\"}]}"),
        "alerts[0].status");
    assertError(
        server.post(
            "/api/alerts/incoming",
            "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},"
                + "\"fingerprint\":\"f\"}]}"),
        "alerts[0].labels.alertname");
    assertError(
        server.post("/api/alerts/incoming", "{\"version\":\"4\",\"alerts\":[],\"extra\":1}"),
        "extra");
  }

  private void startServer(String name, String urls) {
    server =
        RunningServer.start(
            name,
            "pipewatch.collector.probe.enabled = false\n"
                // the test sends 40 s of history at once
                + "pipewatch.collector.ingest.reorder-window = 45s\n"
                + "pipewatch.alerts.journal.recovery-timeout = 60s\n"
                + "pipewatch.alerts.channels.alertmanager.urls = \""
                + urls
                + "\"\n",
            freshJournal());
    eventually(
        () -> {
          try {
            assertThat(server.get("/api/alerts").statusCode()).isEqualTo(200);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
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

  private List<JsonNode> amAlertsOf(String source) {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (JsonNode a : amAlerts()) {
      if (a.path("labels").path("source").asText().equals(source)) {
        out.add(a);
      }
    }
    return out;
  }

  @Test
  void aSaturatedCpuFiresInAlertmanagerAndResolvesThereWhenItEnds() throws Exception {
    startServer("am-cpu", amUrl);
    long t0 = System.currentTimeMillis() - 40_000;
    int i = 0;
    for (; i < 300; i++) {
      ingest("svc-am-hot", t0 + i * 100L, 0.30 + 0.02 * Math.sin(i));
    }
    long faultSent = System.nanoTime();
    for (; i < 330; i++) {
      ingest("svc-am-hot", t0 + i * 100L, 0.99);
    }
    eventually(() -> assertThat(amAlertsOf("svc-am-hot")).isNotEmpty());
    long firedMs = (System.nanoTime() - faultSent) / 1_000_000;
    JsonNode a = amAlertsOf("svc-am-hot").get(0);
    assertThat(a.path("labels").path("kind").asText()).isEqualTo("cpu");
    assertThat(a.path("annotations").path("summary").asText()).isNotBlank();
    System.out.println(
        "saturated CPU listed by Alertmanager "
            + firedMs
            + " ms after the first saturated sample was posted");

    // the fault ends: the host is back to normal, Alertmanager's alert ends
    long t1 = System.currentTimeMillis();
    for (int j = 0; j < 100; j++) {
      ingest("svc-am-hot", t1 + j * 100L, 0.30);
    }
    eventually(() -> assertThat(amAlertsOf("svc-am-hot")).isEmpty());
  }

  @Test
  void anUnreachableAlertmanagerRaisesTheChannelFailingSystemAlert() throws Exception {
    String dead = "http://127.0.0.1:" + RunningServer.freePort();
    startServer("am-down", dead);
    HttpResponse<String> test =
        server.post("/api/test-alert", "{\"severity\":\"critical\",\"channel\":\"alertmanager\"}");
    assertThat(test.statusCode()).as(test.body()).isEqualTo(201);
    eventually(
        () -> {
          try {
            JsonNode page = RunningServer.json(server.get("/api/alerts?status=firing"));
            assertThat(page.get("alerts").findValuesAsText("failing-channel"))
                .contains("alertmanager");
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
  }

  private static void assertError(HttpResponse<String> response, String field) throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(RunningServer.json(response).get("field").asText()).isEqualTo(field);
  }
}
