package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static String find(String method, String... path) {
    return RouteTable.find(method, List.of(path)).map(RouteTable.Entry::toString).orElse("none");
  }

  @Test
  void literalSegmentsWinOverTemplates() {
    assertThat(find("POST", "api", "alerts", "incoming")).isEqualTo("POST /api/alerts/incoming");
    assertThat(find("GET", "api", "alerts", "incoming")).isEqualTo("GET /api/alerts/{id}");
    assertThat(find("GET", "api", "optimizations", "history"))
        .isEqualTo("GET /api/optimizations/history");
    assertThat(find("POST", "api", "optimizations", "svc#3", "approve"))
        .isEqualTo("POST /api/optimizations/{id}/approve");
  }

  @Test
  void templatesMatchWholeSegmentsAndRestMatchesDeeperPaths() {
    assertThat(find("GET", "api", "metrics", "host/vm", "cpu"))
        .isEqualTo("GET /api/metrics/{source}/{series}");
    assertThat(find("GET", "api", "metrics", "host", "vm", "cpu")).isEqualTo("none");
    assertThat(find("GET", "api", "alerts", "")).isEqualTo("none");
    assertThat(find("GET", "assets", "vendor", "chart.umd.js")).isEqualTo("GET /assets/{file+}");
    assertThat(find("GET", "assets")).isEqualTo("none");
    assertThat(find("GET")).isEqualTo("GET /");
    assertThat(find("HEAD", "api", "node")).isEqualTo("GET /api/node");
    assertThat(find("DELETE", "api", "node")).isEqualTo("none");
  }

  @Test
  void everyRouteIsDeclaredOnce() {
    Set<String> seen = new HashSet<>();
    for (RouteTable.Entry e : RouteTable.all()) {
      assertThat(seen.add(e.toString())).as("declared twice: %s", e).isTrue();
      assertThat(e.query().isEmpty() || e.method().equals("GET"))
          .as("query parameters on %s", e)
          .isTrue();
    }
  }
}
