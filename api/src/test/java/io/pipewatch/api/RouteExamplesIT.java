package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The route examples in this module's Javadoc, read from the sources and run against a whole node
 * (demo pipeline on): every {@code curl} example answers 2xx with the fields it shows, and every
 * {@code {@code GET /api/...}} example with its query answers 200. A route whose example goes
 * stale, or whose documented query parameters it no longer declares, fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteExamplesIT {
  private static final Path SOURCES = Path.of("src/main/java/io/pipewatch/api");
  private static final Pattern CODE_BLOCK =
      Pattern.compile("<pre>\\{@code\\n(.*?)\\n\\s*\\*\\s*}</pre>", Pattern.DOTALL);
  private static final Pattern GET_EXAMPLE =
      Pattern.compile("\\{@code GET (/(?:[^{} ]|\\{[a-z]+})+)}");
  private static final Pattern FIELD_NAME = Pattern.compile("\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*:");

  private RunningServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  /** One {@code curl} example: where it is, the request, the answer's fields it shows. */
  record CurlExample(
      String file,
      String method,
      String path,
      List<String> headers,
      String body,
      Set<String> shows) {
    @Override
    public String toString() {
      return file + ": " + method + " " + path;
    }
  }

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "route-examples",
            """
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            """);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static Stream<CurlExample> curlExamples() throws IOException {
    List<CurlExample> all = new ArrayList<>();
    for (Path file : javaSources()) {
      Matcher block = CODE_BLOCK.matcher(Files.readString(file));
      while (block.find()) {
        String text = block.group(1).replaceAll("(?m)^\\s*\\* ?", "");
        if (text.startsWith("curl ")) {
          all.add(parseCurl(file.getFileName().toString(), text));
        }
      }
    }
    return all.stream();
  }

  static Stream<String> getExamples() throws IOException {
    Set<String> all = new LinkedHashSet<>();
    for (Path file : javaSources()) {
      Matcher get = GET_EXAMPLE.matcher(Files.readString(file));
      while (get.find()) {
        all.add(get.group(1));
      }
    }
    return all.stream();
  }

  private static List<Path> javaSources() throws IOException {
    try (Stream<Path> files = Files.list(SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
  }

  @Test
  void theSourcesHaveExamples() throws IOException {
    assertThat(curlExamples().count()).isGreaterThanOrEqualTo(4);
    assertThat(getExamples().count()).isGreaterThanOrEqualTo(6);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("curlExamples")
  void aCurlExampleAnswersWhatItShows(CurlExample example) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl + example.path()))
            .timeout(Duration.ofSeconds(30));
    for (String header : example.headers()) {
      int colon = header.indexOf(':');
      request.header(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
    }
    request.method(
        example.method(),
        example.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(example.body()));
    TestProbe<Object> probe = server.kit.createTestProbe();
    // /api/health is DOWN until every part is up: wait for it as a user would
    HttpResponse<String> response =
        probe.awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              HttpResponse<String> r = send(request);
              assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
              return r;
            });
    JsonNode answer = RunningServer.json(response);
    for (String field : example.shows()) {
      assertThat(answer.findValue(field)).as(field + " in " + response.body()).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("getExamples")
  void aGetExampleAnswers200(String documented) throws Exception {
    String target = concrete(documented);
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(30),
        () -> {
          HttpResponse<String> response =
              send(HttpRequest.newBuilder(URI.create(server.baseUrl + target)));
          assertThat(response.statusCode()).as(target + " " + response.body()).isEqualTo(200);
          return null;
        });
  }

  /** The documented target with placeholders filled from the demo pipeline's own series. */
  private String concrete(String documented) throws Exception {
    String target = documented.replaceAll("=([^&|]+)\\|[^&]*", "=$1");
    if (!target.contains("{source}") && !target.contains("{series}")) {
      return target;
    }
    String source = "docpipe-parse";
    TestProbe<Object> probe = server.kit.createTestProbe();
    String series =
        probe.awaitAssert(
            Duration.ofSeconds(30),
            () -> {
              JsonNode metrics =
                  RunningServer.json(server.get("/api/metrics?source=" + source)).path("metrics");
              assertThat(metrics.size()).isPositive();
              return metrics.get(0).path("series").asText();
            });
    return target.replace("{source}", encode(source)).replace("{series}", encode(series));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads {@code curl [-s] [-XPOST] URL [-H 'h: v']... [-d 'body']} (lines joined at a trailing
   * backslash, single quotes as in a shell) and the answer shown on the lines after it.
   */
  static CurlExample parseCurl(String file, String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder token = new StringBuilder();
    boolean quoted = false;
    boolean inToken = false;
    int i = 0;
    for (; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\'') {
          quoted = false;
        } else {
          token.append(c);
        }
      } else if (c == '\'') {
        quoted = true;
        inToken = true;
      } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i++;
      } else if (c == '\n') {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inToken) {
          tokens.add(token.toString());
          token.setLength(0);
          inToken = false;
        }
      } else {
        token.append(c);
        inToken = true;
      }
    }
    if (inToken) {
      tokens.add(token.toString());
    }
    String method = "GET";
    String path = null;
    String body = null;
    List<String> headers = new ArrayList<>();
    for (int t = 1; t < tokens.size(); t++) {
      String tok = tokens.get(t);
      if (tok.startsWith("-X")) {
        method = tok.length() > 2 ? tok.substring(2) : tokens.get(++t);
      } else if (tok.equals("-H")) {
        headers.add(tokens.get(++t));
      } else if (tok.equals("-d")) {
        body = tokens.get(++t).trim();
        method = method.equals("GET") ? "POST" : method;
      } else if (tok.startsWith("localhost:")) {
        path = tok.substring(tok.indexOf('/'));
      }
    }
    Set<String> shows = new LinkedHashSet<>();
    Matcher field = FIELD_NAME.matcher(i < text.length() ? text.substring(i) : "");
    while (field.find()) {
      shows.add(field.group(1));
    }
    return new CurlExample(file, method, path, List.copyOf(headers), body, shows);
  }
}
