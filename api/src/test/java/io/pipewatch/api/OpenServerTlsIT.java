package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A node with no token configured, asked to bind every interface and to serve HTTPS from a keystore
 * made here with {@code keytool}: it binds loopback only, answers every route without a token over
 * TLS (a client that trusts the certificate gets in, plain HTTP does not), and still refuses a
 * WebSocket upgrade from a foreign origin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenServerTlsIT {
  private static final String PASSWORD = "test-keystore-pass";

  private RunningServer server;
  private String httpsUrl;
  private HttpClient https;

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "tls");
    Path keystore = dir.resolve("server.p12");
    keytool(keystore);
    server =
        RunningServer.start(
            "open-tls",
            """
            pipewatch.api.http.interface = "0.0.0.0"
            pipewatch.api.auth.env-tokens = ""
            pipewatch.api.auth.tokens = []
            pipewatch.api.tls.enabled = on
            pipewatch.api.tls.keystore-path = "%s"
            pipewatch.api.tls.keystore-password = "%s"
            pipewatch.api.tls.keystore-type = PKCS12
            """
                .formatted(keystore.toAbsolutePath(), PASSWORD));
    httpsUrl = server.baseUrl.replaceFirst("^http://", "https://");
    https = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anOpenServerBindsLoopbackOnlyWhateverTheConfiguredInterface() {
    assertThat(server.baseUrl).startsWith("http://127.0.0.1:");
  }

  @Test
  void everyRouteAnswersWithoutATokenOverTls() throws Exception {
    assertThat(get("/api/node", null).statusCode()).isEqualTo(200);
    assertThat(get("/api/optimizations", null).statusCode()).isEqualTo(200);
    HttpResponse<String> testAlert =
        https.send(
            HttpRequest.newBuilder(URI.create(httpsUrl + "/api/test-alert"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(testAlert.statusCode()).isEqualTo(201);
    // a token is ignored, not checked
    assertThat(get("/api/node", "whatever").statusCode()).isEqualTo(200);
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl + "/api/node"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aForeignOriginCannotOpenTheWebSocketEvenWhenOpen() throws Exception {
    HttpResponse<String> foreign =
        https.send(
            HttpRequest.newBuilder(URI.create(httpsUrl + "/ws"))
                .header("Origin", "https://evil.example")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(RunningServer.json(foreign).get("field").asText()).isEqualTo("Origin");
    String wss = httpsUrl.replaceFirst("^https", "wss");
    assertThat(
            WebSocketHandshake.status(
                https, wss + "/ws", List.of("Origin", "https://evil.example")))
        .isEqualTo(403);
    // the browser's access_token is taken off the query, not refused as unknown
    assertThat(
            WebSocketHandshake.status(
                https, wss + "/ws?access_token=x", List.of("Origin", httpsUrl)))
        .isEqualTo(101);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(httpsUrl + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A self-signed EC key and certificate for 127.0.0.1, made by the JDK's keytool. */
  private static void keytool(Path keystore) throws Exception {
    Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                tool.toString(),
                "-genkeypair",
                "-alias",
                "pipewatch",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD,
                "-noprompt")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  /** A client context that trusts exactly the server's certificate. */
  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("pipewatch", server.getCertificate("pipewatch"));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
