package io.pipewatch.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every route of the node, declared once: method, path template, the role it needs, a summary and
 * its query parameters. {@link AuthDirective} decides access from it, and the route-table and
 * OpenAPI tests check the server and {@code /api/openapi.json} against it. A route added to {@link
 * ServerRoutes} is one more line here (a route missing here needs a token of any role).
 *
 * <p>Templates: {@code {name}} matches one non-empty path segment; a last {@code {name+}} matches
 * the rest of the path (one or more segments).
 */
final class RouteTable {

  /** One route. {@code query} lists the query parameters it declares (GET only). */
  record Entry(String method, String template, Role role, String summary, List<String> query) {
    Entry {
      query = List.copyOf(query);
    }

    /** The template's segments ({@code /api/alerts/{id}} gives api, {id}). */
    List<String> segments() {
      return template.equals("/") ? List.of() : List.of(template.substring(1).split("/"));
    }

    /** The template as an OpenAPI path ({@code {file+}} becomes {@code {file}}). */
    String openApiPath() {
      return template.replace("+}", "}");
    }

    /** Whether this route answers {@code method} on a path of {@code segments} (decoded). */
    boolean matches(String requestMethod, List<String> path) {
      String wanted = requestMethod.equals("HEAD") ? "GET" : requestMethod;
      return method.equals(wanted) && matchesPath(path);
    }

    boolean matchesPath(List<String> path) {
      List<String> mine = segments();
      boolean rest = !mine.isEmpty() && mine.get(mine.size() - 1).endsWith("+}");
      if (rest ? path.size() < mine.size() : path.size() != mine.size()) {
        return false;
      }
      for (int i = 0; i < mine.size(); i++) {
        String want = mine.get(i);
        String got = path.get(i);
        if (want.startsWith("{")) {
          if (got.isEmpty()) {
            return false;
          }
        } else if (!want.equals(got)) {
          return false;
        }
      }
      return true;
    }

    /** How many literal segments the template has: the more, the more specific. */
    int literals() {
      return (int) segments().stream().filter(s -> !s.startsWith("{")).count();
    }

    @Override
    public String toString() {
      return method + " " + template;
    }
  }

  private static final List<Entry> ALL = new ArrayList<>();

  static {
    // public: probes, metrics, the dashboard's files and the API's own description
    add("GET", "/api/health", Role.PUBLIC, "State of each part: 200 UP, 503 DOWN");
    add(
        "GET",
        "/metrics",
        Role.PUBLIC,
        "Pipewatch's own figures, Prometheus text (OpenMetrics on request)");
    add("GET", "/", Role.PUBLIC, "The dashboard page");
    add("GET", "/assets/{file+}", Role.PUBLIC, "The dashboard's static files");
    add("GET", "/api/openapi.json", Role.PUBLIC, "This API's OpenAPI 3.1 description");
    add("GET", "/api/docs", Role.PUBLIC, "Swagger UI for /api/openapi.json");
    add("GET", "/api/docs/{file+}", Role.PUBLIC, "Swagger UI's static files");
    // viewer: every read
    add("GET", "/api/node", Role.VIEWER, "This node's id and start history");
    add("GET", "/api/sources", Role.VIEWER, "Sources, series counts, last sample, staleness");
    add(
        "GET",
        "/api/sources/{source}/semantics",
        Role.VIEWER,
        "Each metric of a source with its role and why (declared, configured, convention)");
    add(
        "GET",
        "/metrics/collected",
        Role.VIEWER,
        "The series collected on this node, Prometheus text (OpenMetrics on request)");
    add("GET", "/api/metrics", Role.VIEWER, "Latest value of every series", "source", "prefix");
    add(
        "GET",
        "/api/metrics/{source}/{series}",
        Role.VIEWER,
        "One series' history at a resolution that fits the range",
        "range",
        "format");
    add(
        "GET",
        "/api/bottlenecks",
        Role.VIEWER,
        "Active bottlenecks",
        "source",
        "kind",
        "minImpact");
    add("GET", "/api/patterns", Role.VIEWER, "Fleet patterns across sources");
    add("GET", "/api/simulator/faults", Role.VIEWER, "Faults injected into the demo pipeline");
    add(
        "GET",
        "/api/alerts",
        Role.VIEWER,
        "Alerts, newest first",
        "status",
        "severity",
        "source",
        "since",
        "offset",
        "limit");
    add("GET", "/api/alerts/{id}", Role.VIEWER, "One alert with history and notification log");
    add("GET", "/api/silences", Role.VIEWER, "Silences");
    add("GET", "/api/optimizations", Role.VIEWER, "Per source: optimizer mode, knobs, decisions");
    add(
        "GET",
        "/api/optimizations/history",
        Role.VIEWER,
        "Every optimizer event from the journal",
        "source",
        "since",
        "limit");
    add("GET", "/api/optimizations/metrics", Role.VIEWER, "Optimizer counters (Prometheus text)");
    add("GET", "/api/dashboard", Role.VIEWER, "The dashboard's state in one call");
    add("GET", "/api/report", Role.VIEWER, "Report of the last hours", "range", "format");
    add("GET", "/ws", Role.VIEWER, "WebSocket: live updates and events", "access_token");
    // operator: act on alerts, silences, optimizer changes, the demo pipeline
    add("POST", "/api/alerts/{id}/ack", Role.OPERATOR, "Acknowledge an alert");
    add("POST", "/api/alerts/{id}/resolve", Role.OPERATOR, "Resolve an alert");
    add("POST", "/api/test-alert", Role.OPERATOR, "Send a test alert through routing");
    add("POST", "/api/silences", Role.OPERATOR, "Add a silence");
    add("DELETE", "/api/silences/{id}", Role.OPERATOR, "Remove a silence");
    add("POST", "/api/optimizations/{id}/approve", Role.OPERATOR, "Approve a proposed change");
    add("POST", "/api/optimizations/{id}/reject", Role.OPERATOR, "Reject a proposed change");
    add("POST", "/api/optimizations/{id}/rollback", Role.OPERATOR, "Roll back an applied change");
    add("POST", "/api/simulator/faults", Role.OPERATOR, "Inject a fault into the demo pipeline");
    // admin: optimizer modes and forced changes
    add("PUT", "/api/optimizations/mode", Role.ADMIN, "Set the optimizer mode");
    add("POST", "/api/optimizations/changes", Role.ADMIN, "Force a knob change");
    // ingest: data in
    add("POST", "/api/ingest", Role.INGEST, "Ingest one batch of samples");
    add("POST", "/v1/metrics", Role.INGEST, "OTLP/HTTP metrics receiver (protobuf or JSON)");
    add("POST", "/api/v1/write", Role.INGEST, "Prometheus remote_write 1.0 receiver");
    add("POST", "/api/alerts/incoming", Role.INGEST, "Alertmanager webhook receiver");
  }

  private RouteTable() {}

  private static void add(String method, String template, Role role, String summary, String... q) {
    ALL.add(new Entry(method, template, role, summary, List.of(q)));
  }

  /** Every route, in declaration order. */
  static List<Entry> all() {
    return List.copyOf(ALL);
  }

  /** The route a request goes to (the most specific match), if declared. */
  static Optional<Entry> find(String method, List<String> path) {
    return ALL.stream()
        .filter(e -> e.matches(method, path))
        .max(Comparator.comparingInt(Entry::literals));
  }
}
