package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node with no API token (the README's default): reachable from this machine only, and not
 * through a browser page of another site either — a request addressed to another host name (DNS
 * rebinding) and a change sent from another site's page answer 403; reads and the node's own pages
 * work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenModeIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private RunningServer server;
  private int port;

  @BeforeAll
  void start() {
    server = RunningServer.start("open-mode", "pipewatch.collector.probe.enabled = false\n");
    port = URI.create(server.baseUrl).getPort();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aRequestForAnotherHostNameIsRefused() throws Exception {
    String refused = rawGet("/api/health", "rebind.attacker.example:" + port);
    assertThat(refused).startsWith("HTTP/1.1 403").contains("\"field\":\"Host\"");
    assertThat(rawGet("/api/health", "localhost:" + port)).startsWith("HTTP/1.1 200");
    assertThat(rawGet("/api/health", "127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
    assertThat(rawGet("/api/health", "[::1]:" + port)).startsWith("HTTP/1.1 200");
  }

  @Test
  void aChangeFromAnotherSitesPageIsRefusedAndReadsAreNot() throws Exception {
    HttpResponse<String> foreign = testAlert("Origin", "https://attacker.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(RunningServer.json(foreign).get("field").asText()).isEqualTo("Origin");
    assertThat(testAlert("Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
    assertThat(testAlert("Origin", "http://localhost:" + port).statusCode()).isEqualTo(201);
    assertThat(testAlert("Sec-Fetch-Site", "same-origin").statusCode()).isEqualTo(201);
    assertThat(server.get("/api/alerts", "Origin", "https://attacker.example").statusCode())
        .isEqualTo(200);
  }

  @Test
  void loopbackHostNames() {
    assertThat(AuthDirective.loopbackHost("localhost:8080")).isTrue();
    assertThat(AuthDirective.loopbackHost("127.0.0.1")).isTrue();
    assertThat(AuthDirective.loopbackHost("127.1.2.3:80")).isTrue();
    assertThat(AuthDirective.loopbackHost("[::1]:8080")).isTrue();
    assertThat(AuthDirective.loopbackHost("127.0.0.1.attacker.example")).isFalse();
    assertThat(AuthDirective.loopbackHost("localhost.attacker.example:8080")).isFalse();
    assertThat(AuthDirective.loopbackHost("10.0.0.7:8080")).isFalse();
  }

  private HttpResponse<String> testAlert(String header, String value) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/test-alert"))
            .header(header, value)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A GET with this Host header (java.net.http does not let a caller set Host). */
  private String rawGet(String path, String host) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
