package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input against every route of a whole node (real guardian, demo pipeline, journal on the test
 * Cassandra) through a real HTTP client: each bad request answers a 4xx in the one JSON error shape
 * naming the field where there is one, nothing of it is stored, and the node is healthy afterwards.
 *
 * <p>A new route is one line: a GET route in {@link #GET_ROUTES}, a POST route in {@link
 * #POST_ROUTES} (with a valid body, a string field and a number field to break, and where to look
 * for what it stored).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputSweepIT {
  private static final String PIPELINE = "sweepdemo";

  /** Every GET route of the node. */
  static final List<String> GET_ROUTES =
      List.of(
          "/api/health",
          "/api/node",
          "/api/sources",
          "/api/metrics",
          "/api/metrics/" + PIPELINE + "-parse/pipeline_stage_queue_depth",
          "/metrics",
          "/api/bottlenecks",
          "/api/patterns",
          "/api/simulator/faults",
          "/api/report",
          "/");

  /**
   * A POST route: a valid body; a string and a number field of it to break; the GET that shows what
   * the route stored and a test of that answer that holds while nothing of the sweep was stored.
   */
  record PostRoute(
      String path, String validBody, String stringField, String numberField, String storedIn) {
    @Override
    public String toString() {
      return path;
    }
  }

  /** Every POST route of the node. */
  static final List<PostRoute> POST_ROUTES =
      List.of(
          new PostRoute(
              "/api/ingest",
              """
              {"source":"sweep-stray","timestamp":%NOW%,"samples":[
                {"name":"queue_depth","kind":"gauge","value":3}]}""",
              "source",
              "timestamp",
              "/api/sources"),
          new PostRoute(
              "/api/simulator/faults",
              """
              {"kind":"error-burst","stage":"parse","duration":"30s","intensity":0.5}""",
              "kind",
              "intensity",
              "/api/simulator/faults"));

  private RunningServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "bad-input-sweep",
            """
            pipewatch.simulator.pipeline = %s
            pipewatch.simulator.demo.enabled = true
            pipewatch.simulator.demo.first-fault-after = 1h
            pipewatch.collector.probe.enabled = false
            """
                .formatted(PIPELINE));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // ------------------------------------------------------------------ GET routes

  static Stream<String> getRoutes() {
    return GET_ROUTES.stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}?sorce=x")
  @MethodSource("getRoutes")
  void anUnknownQueryParameterIsA400NamingIt(String route) throws Exception {
    assertError(get(route + "?sorce=x"), 400, "sorce");
    assertError(get(route + "?sorce"), 400, "sorce");
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/bottlenecks?minImpact=NaN                  | minImpact",
        "/api/bottlenecks?minImpact=Infinity             | minImpact",
        "/api/bottlenecks?minImpact=1e999                | minImpact",
        "/api/bottlenecks?minImpact=-0.1                 | minImpact",
        "/api/bottlenecks?minImpact=2                    | minImpact",
        "/api/bottlenecks?minImpact=lots                 | minImpact",
        "/api/bottlenecks?minImpact=                     | minImpact",
        "/api/bottlenecks?kind=meteor                    | kind",
        "/api/bottlenecks?source=a&source=b              | source",
        "/api/bottlenecks?kind=cpu&sorce=x               | sorce",
        "/api/metrics?prefix=a&prefix=b                  | prefix",
        "/api/metrics/" + PIPELINE + "-parse/x?range=7d  | range",
        "/api/metrics/" + PIPELINE + "-parse/x?range=    | range",
        "/api/metrics/" + PIPELINE + "-parse/x?format=xml | format",
        "/api/metrics/" + PIPELINE + "-parse/x?format=   | format",
        "/api/metrics/" + PIPELINE + "-parse/x?format=csv&format=json | format",
        "/api/report?range=25h                           | range",
        "/api/report?range=0m                            | range",
        "/api/report?range=1d                            | range",
        "/api/report?range=-1h                           | range",
        "/api/report?range=                              | range",
        "/api/report?range=1h&format=pdf                 | format",
        "/api/report?format=                             | format",
        "/api/report?range=1h&range=2h                   | range",
      })
  void aBadQueryValueIsA400NamingTheParameter(String target, String field) throws Exception {
    assertError(get(target), 400, field);
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("getRoutes")
  void anOverlongUriIsA4xxInJson(String route) throws Exception {
    HttpResponse<String> response = get(route + "?source=" + "s".repeat(20_000));
    assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
    assertThat(json(response).path("error").asText()).isNotBlank();
  }

  @Order(1)
  @ParameterizedTest(name = "{0} with a text body")
  @MethodSource("getRoutes")
  void aGetWithANonJsonBodyIs415(String route) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(server.baseUrl + route))
                .header("Content-Type", "text/plain")
                .method("GET", HttpRequest.BodyPublishers.ofString("hello")));
    assertError(response, 415, "Content-Type");
  }

  @Order(1)
  @ParameterizedTest(name = "DELETE {0}")
  @MethodSource("getRoutes")
  void anUnsupportedMethodIs405InJson(String route) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(server.baseUrl + route))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(405);
    assertThat(json(response).path("error").asText()).isNotBlank();
  }

  @Order(1)
  @Test
  void anUnknownPathIs404InJson() throws Exception {
    HttpResponse<String> response = get("/api/nothing-here?sorce=x");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    assertThat(json(response).path("error").asText()).isNotBlank();
  }

  // ------------------------------------------------------------------ POST routes

  /** One way to break a valid body, and the field the answer must name ("" if none). */
  record Breakage(String name, UnaryOperator<String> body, String contentType, String field) {}

  static Stream<Arguments> badPosts() {
    List<Arguments> all = new ArrayList<>();
    for (PostRoute route : POST_ROUTES) {
      String s = route.stringField();
      String n = route.numberField();
      for (Breakage b :
          List.of(
              new Breakage("empty body", body -> "", "application/json", "body"),
              new Breakage("JSON null", body -> "null", "application/json", "body"),
              new Breakage("malformed JSON", body -> "{\"" + s + "\":", "application/json", null),
              new Breakage("cut short", body -> body.substring(0, body.length() / 2), "", null),
              new Breakage("an array", body -> "[" + body + "]", "application/json", "body"),
              new Breakage("trailing data", body -> body + "{}", "application/json", "body"),
              new Breakage(
                  "unknown field",
                  body -> set(body, "colour", "\"red\""),
                  "application/json",
                  "colour"),
              new Breakage(
                  "repeated field",
                  body -> body.replaceFirst("\\{", "{\"" + s + "\":\"x\","),
                  "application/json",
                  s),
              new Breakage("number for a string", body -> set(body, s, "42"), "", s),
              new Breakage("object for a string", body -> set(body, s, "{\"a\":1}"), "", s),
              new Breakage("string for a number", body -> set(body, n, "\"0.5\""), "", n),
              new Breakage("NaN", body -> set(body, n, "NaN"), "", n),
              new Breakage("Infinity", body -> set(body, n, "-Infinity"), "", n),
              new Breakage("1e999", body -> set(body, n, "1e999"), "", n),
              new Breakage("huge integer", body -> set(body, n, "9".repeat(400)), "", n),
              new Breakage("long string", body -> set(body, s, quoted("x".repeat(100_000))), "", s),
              new Breakage(
                  "deep nesting",
                  body -> set(body, s, "[".repeat(5000) + "]".repeat(5000)),
                  "",
                  null),
              new Breakage("text/plain", body -> body, "text/plain", "Content-Type"),
              new Breakage("no content type", body -> body, null, "Content-Type"),
              new Breakage(
                  "form content type",
                  body -> body,
                  "application/x-www-form-urlencoded",
                  "Content-Type"))) {
        all.add(Arguments.of(route, b.name(), b));
      }
    }
    return all.stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badPosts")
  void aBadBodyIsA4xxNamingTheField(PostRoute route, String name, Breakage breakage)
      throws Exception {
    String body = breakage.body().apply(valid(route));
    String contentType =
        "".equals(breakage.contentType()) ? "application/json" : breakage.contentType();
    HttpResponse<String> response = post(route.path(), contentType, body);

    assertThat(response.statusCode()).as(response.body()).isBetween(400, 499);
    JsonNode error = json(response);
    assertThat(error.path("error").asText()).as(response.body()).isNotBlank();
    if (breakage.field() != null) {
      assertThat(error.path("field").asText()).as(response.body()).isEqualTo(breakage.field());
    } else {
      assertThat(error.path("field").asText()).as(response.body()).isNotBlank();
    }
  }

  static Stream<PostRoute> postRoutes() {
    return POST_ROUTES.stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}?sorce=x")
  @MethodSource("postRoutes")
  void aQueryParameterOnAPostIsA400NamingIt(PostRoute route) throws Exception {
    assertError(post(route.path() + "?sorce=x", "application/json", valid(route)), 400, "sorce");
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "PT3000000H duration  | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"PT3000000H\"} | duration",
        "3000000h duration    | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"3000000h\"}   | duration",
        "25h duration         | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"25h\"}        | duration",
        "negative duration    | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"PT-1S\"}      | duration",
        "overflowing delay    | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"1s\",\"delay\":\"PT9999999999H\"} | delay",
        "25h delay            | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"1s\",\"delay\":\"25h\"} | delay",
        "intensity above 1    | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"1s\",\"intensity\":1.5} | intensity",
        "intensity 0          | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"1s\",\"intensity\":0} | intensity",
        "huge intensity       | {\"kind\":\"stage-stall\",\"stage\":\"parse\",\"duration\":\"1s\",\"intensity\":1e308} | intensity",
      })
  void anOutOfRangeFaultIsA400NamingTheFieldAndTheDemoKeepsRunning(
      String why, String body, String field) throws Exception {
    HttpResponse<String> response = post("/api/simulator/faults", "application/json", body);

    assertError(response, 400, field);
    HttpResponse<String> faults = get("/api/simulator/faults");
    assertThat(faults.statusCode()).as(faults.body()).isEqualTo(200);
    assertThat(simulatorThreads()).isEqualTo(1);
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "knobs not an array      | \"knobs\":{}                                                   | knobs",
        "knob without a name     | \"knobs\":[{\"min\":1,\"max\":8,\"step\":1,\"value\":2}]     | knobs[0].name",
        "knob value off its grid | \"knobs\":[{\"name\":\"w\",\"min\":1,\"max\":8,\"step\":2,\"value\":2}] | knobs[0].value",
        "knob max below min      | \"knobs\":[{\"name\":\"w\",\"min\":9,\"max\":8,\"step\":1,\"value\":9}] | knobs[0].max",
        "knob step NaN           | \"knobs\":[{\"name\":\"w\",\"min\":1,\"max\":8,\"step\":\"NaN\",\"value\":2}] | knobs[0].step",
        "knob unknown field      | \"knobs\":[{\"name\":\"w\",\"min\":1,\"max\":8,\"step\":1,\"value\":2,\"mx\":3}] | knobs[0].mx",
        "choice not offered      | \"knobs\":[{\"name\":\"m\",\"choices\":[\"fast\"],\"value\":\"slow\"}] | knobs[0].value",
        "applied without id      | \"applied\":[{\"knob\":\"w\",\"value\":2}]                     | applied[0].changeId",
        "applied value a string  | \"applied\":[{\"changeId\":\"s#1\",\"knob\":\"w\",\"value\":\"2\"}] | applied[0].value",
        "applied value 1e999     | \"applied\":[{\"changeId\":\"s#1\",\"knob\":\"w\",\"value\":1e999}] | applied[0].value",
      })
  void aBadKnobDeclarationOrAppliedSettingIsA400NamingTheFieldAndStoresNothing(
      String why, String part, String field) throws Exception {
    // the samples of the batch are valid: the whole batch is refused before anything is stored
    String body = valid(POST_ROUTES.get(0)).replaceFirst("\\{", "{" + part + ",");

    assertError(post("/api/ingest", "application/json", body), 400, field);
  }

  // ------------------------------------------------------------------ afterwards

  @Order(2)
  @Test
  void afterTheSweepTheNodeIsHealthyNothingWasStoredAndTheDemoNeverRestarted() throws Exception {
    HttpResponse<String> health = get("/api/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

    // a valid batch of a control source goes through the same path; once it is listed, any
    // batch of the sweep that had been taken would be listed too
    HttpResponse<String> control =
        post(
            "/api/ingest",
            "application/json",
            valid(POST_ROUTES.get(0)).replace("sweep-stray", "sweep-control"));
    assertThat(control.statusCode()).as(control.body()).isEqualTo(202);
    TestProbe<Object> probe = server.kit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(sourceIds()).contains("sweep-control");
          return null;
        });
    Set<String> allowed =
        Set.of(
            "sweep-control",
            PIPELINE,
            PIPELINE + "-ingest",
            PIPELINE + "-parse",
            PIPELINE + "-embed",
            PIPELINE + "-index");
    assertThat(sourceIds()).isSubsetOf(allowed);

    JsonNode faults = json(get("/api/simulator/faults"));
    assertThat(faults.path("all").size()).as(faults.toString()).isZero();
    assertThat(simulatorThreads()).isEqualTo(1);
    JsonNode parts = json(health).path("parts");
    assertThat(parts.path("actors").path("status").asText()).isEqualTo("UP");
  }

  // ------------------------------------------------------------------ helpers

  private List<String> sourceIds() throws Exception {
    JsonNode sources = json(get("/api/sources")).path("sources");
    List<String> ids = new ArrayList<>();
    sources.forEach(s -> ids.add(s.path("sourceId").asText()));
    return ids;
  }

  /** Simulator pacing threads of this test's pipeline alive in this JVM. */
  private static long simulatorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().equals("pipewatch-simulator-" + PIPELINE))
        .count();
  }

  private static String valid(PostRoute route) {
    return route.validBody().replace("%NOW%", Long.toString(System.currentTimeMillis()));
  }

  /** {@code body} with top-level field {@code field} set to the raw JSON text {@code rawValue}. */
  private static String set(String body, String field, String rawValue) {
    try {
      ObjectNode node = (ObjectNode) JsonSupport.MAPPER.readTree(body);
      node.put(field, "\u0000PLACEHOLDER\u0000");
      return JsonSupport.MAPPER
          .writeValueAsString(node)
          .replace("\"\\u0000PLACEHOLDER\\u0000\"", rawValue);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quoted(String text) {
    return "\"" + text + "\"";
  }

  private HttpResponse<String> get(String target) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.baseUrl + target)).GET());
  }

  private HttpResponse<String> post(String target, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl + target))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type"))
        .as(response.body())
        .hasValue("application/json");
    return JsonSupport.MAPPER.readTree(response.body());
  }

  private static void assertError(HttpResponse<String> response, int status, String field)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response);
    assertThat(error.path("error").asText()).as(response.body()).isNotBlank();
    assertThat(error.path("field").asText()).as(response.body()).isEqualTo(field);
  }
}
