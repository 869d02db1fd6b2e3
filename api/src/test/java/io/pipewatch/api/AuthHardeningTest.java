package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The low findings of the auth review on a node with tokens: failed authentications are throttled
 * per address (429 after {@code failures-per-minute}), {@code /api/health} shows its details to
 * viewers only, and a browser's token travels as the WebSocket subprotocol {@code bearer.<token>}
 * (the server selects {@code pipewatch}) instead of the URL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
class AuthHardeningTest {
  private static final String VIEWER = "3c9e1a7b5d0f2e4c6a8b0d2f4e6c8a0b";
  private static final String OPERATOR = "9b7d5f3a1c0e2b4d6f8a0c2e4b6d8f0a";
  private RunningServer server;

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "auth-hardening",
            """
            pipewatch.collector.probe.enabled = false
            pipewatch.api.auth.failures-per-minute = 3
            pipewatch.api.auth.env-tokens = "watcher:viewer:%s,ana:operator:%s"
            """
                .formatted(VIEWER, OPERATOR),
            RunningServer.inMemoryJournal("auth-hardening-snapshots"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void healthShowsDetailsToViewersOnly() throws Exception {
    JsonNode anonymous = RunningServer.json(server.get("/api/health"));
    JsonNode viewer =
        RunningServer.json(server.get("/api/health", "Authorization", "Bearer " + VIEWER));

    assertThat(anonymous.path("parts").path("http").path("status").asText()).isNotEmpty();
    assertThat(anonymous.path("parts").path("http").has("detail")).isFalse();
    assertThat(anonymous.toString()).doesNotContain("127.0.0.1");
    assertThat(viewer.path("parts").path("http").path("detail").asText()).isNotEmpty();
  }

  @Test
  void aBrowserSendsItsTokenAsASubprotocolNotInTheUrl() throws Exception {
    assertThat(handshake("pipewatch", "bearer." + VIEWER)).isEqualTo("101 pipewatch");
    assertThat(handshake("pipewatch", "bearer.not-a-token-0000000000000000")).isEqualTo("401");
    assertThat(handshake("pipewatch")).isEqualTo("401");
  }

  /** A real handshake offering {@code protocols}: "101 <selected>" or the refusal's status. */
  private String handshake(String... protocols) throws Exception {
    URI ws = URI.create(server.baseUrl.replace("http://", "ws://") + "/ws");
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    builder.subprotocols(
        protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
    try {
      WebSocket socket =
          builder.buildAsync(ws, new WebSocket.Listener() {}).get(30, TimeUnit.SECONDS);
      socket.abort();
      return "101 " + socket.getSubprotocol();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return Integer.toString(refused.getResponse().statusCode());
      }
      throw e;
    }
  }

  @Test
  void auditNamesTheTokenNotWhomTheBodyClaims() throws Exception {
    HttpResponse<String> created =
        post("/api/test-alert", "{\"severity\":\"warning\",\"note\":\"audit\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = RunningServer.json(created).get("id").asText();

    HttpResponse<String> acked =
        post("/api/alerts/" + id + "/ack", "{\"who\":\"mallory\",\"note\":\"not me\"}");

    assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
    assertThat(RunningServer.json(acked).path("acknowledgement").path("by").asText())
        .isEqualTo("ana");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(URI.create(server.baseUrl + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + OPERATOR)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Runs last (methods by name): it throttles this test's own address. */
  @Test
  void zzFailedAuthenticationsAreThrottledPerAddress() throws Exception {
    // the handshakes above failed twice; one more failure reaches the limit of 3
    for (int i = 0; i < 1; i++) {
      assertThat(server.get("/api/sources", "Authorization", "Bearer wrong-" + i).statusCode())
          .isEqualTo(401);
    }
    HttpResponse<String> guessing = server.get("/api/sources", "Authorization", "Bearer wrong-3");
    HttpResponse<String> evenValid =
        server.get("/api/sources", "Authorization", "Bearer " + VIEWER);

    assertThat(guessing.statusCode()).isEqualTo(429);
    assertThat(guessing.headers().firstValue("Retry-After")).isPresent();
    assertThat(guessing.body()).contains("failures-per-minute").doesNotContain("wrong-3");
    assertThat(evenValid.statusCode())
        .as("the address, not the token, is throttled")
        .isEqualTo(429);
    assertThat(server.get("/api/health").statusCode()).as("public routes stay open").isIn(200, 503);
  }
}
