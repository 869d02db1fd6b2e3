package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The scanner's check without a scanner: every route of {@link RouteTable} (each method, path
 * parameters filled in), every static file of the dashboard, of Chart.js and of Swagger UI, and an
 * undeclared path answer with the {@link SecurityHeaders}: a policy that forbids framing, {@code
 * X-Frame-Options: DENY} and {@code nosniff}. On main before them, no answer carried any (M5).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHeadersTest {
  private RunningServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() {
    server =
        RunningServer.start(
            "security-headers",
            "pipewatch.collector.probe.enabled = false\n",
            RunningServer.inMemoryJournal("security-headers-snapshots"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void everyRouteOfTheTableAnswersWithTheHeaders() throws Exception {
    List<String> checked = new ArrayList<>();
    for (RouteTable.Entry route : RouteTable.all()) {
      String path = route.template().replaceAll("\\{[A-Za-z]+\\+?}", "x");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl + path));
      if (route.method().equals("GET")) {
        request.GET();
      } else {
        request
            .header("Content-Type", "application/json")
            .method(route.method(), HttpRequest.BodyPublishers.ofString("{}"));
      }
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertProtected(route.toString(), answer);
      checked.add(route + " " + answer.statusCode());
    }
    assertThat(checked).hasSameSizeAs(RouteTable.all());
  }

  @Test
  void everyStaticFileAnswersWithTheHeaders() throws Exception {
    List<String> files = new ArrayList<>();
    for (String f : resources("dashboard", "index.html")) {
      files.add(f.equals("index.html") ? "/" : "/assets/" + f);
    }
    for (String f : resources(StaticRoutes.CHART_JS_DIR, "chart.umd.min.js")) {
      files.add("/assets/vendor/" + f);
    }
    String swagger = swaggerDir();
    for (String f : resources(swagger, "swagger-ui-bundle.js")) {
      files.add("/api/docs/" + f);
    }
    files.add("/api/docs/pipewatch-init.js");
    assertThat(files).contains("/", "/assets/app.js", "/api/docs/swagger-ui-bundle.js");
    for (String f : files) {
      HttpResponse<String> answer = server.get(f);
      assertThat(answer.statusCode()).as(f).isEqualTo(200);
      assertProtected(f, answer);
    }
  }

  @Test
  void undeclaredPathsAndErrorsToo() throws Exception {
    assertProtected("404", server.get("/nothing/here"));
    assertProtected("400", server.get("/api/sources?bogus=1"));
  }

  @Test
  void swaggerUiNeedsNoInlineScript() throws Exception {
    String page = server.get("/api/docs").body();
    assertThat(page).doesNotContainPattern("<script>\\s*\\S");
  }

  private static void assertProtected(String what, HttpResponse<String> answer) {
    assertThat(answer.headers().firstValue("Content-Security-Policy"))
        .as("CSP of %s (%s)", what, answer.statusCode())
        .hasValueSatisfying(
            csp -> {
              assertThat(csp).contains("frame-ancestors 'none'");
              assertThat(csp).contains("script-src 'self'");
              assertThat(csp).doesNotContain("script-src 'self' 'unsafe-inline'");
            });
    assertThat(answer.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
    assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
  }

  private static String swaggerDir() {
    URL pom =
        SecurityHeadersTest.class
            .getClassLoader()
            .getResource("META-INF/maven/org.webjars/swagger-ui/pom.properties");
    assertThat(pom).isNotNull();
    try (var in = pom.openStream()) {
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return "META-INF/resources/webjars/swagger-ui/" + p.getProperty("version");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The files (relative paths) under a class-path folder, in a directory or a jar; {@code anchor}
   * is a file known to be there (a jar need not list its folders).
   */
  private static List<String> resources(String dir, String anchor)
      throws IOException, URISyntaxException {
    URL url = SecurityHeadersTest.class.getClassLoader().getResource(dir + "/" + anchor);
    assertThat(url).as(dir).isNotNull();
    List<String> out = new ArrayList<>();
    if (url.getProtocol().equals("file")) {
      Path root = Path.of(url.toURI()).getParent();
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(Files::isRegularFile)
            .forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
      }
    } else {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        String prefix = dir + "/";
        jar.stream()
            .filter(e -> !e.isDirectory() && e.getName().startsWith(prefix))
            .forEach(e -> out.add(e.getName().substring(prefix.length())));
      }
    }
    return out;
  }
}
