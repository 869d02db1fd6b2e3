package io.pipewatch.collector.ingest.otlp;

/**
 * OpenTelemetry names to Prometheus names, the way Prometheus' own OTLP receiver translates them
 * without suffixes: every character outside {@code [a-zA-Z0-9_:]} ({@code [a-zA-Z0-9_]} for labels)
 * becomes {@code _} and a name starting with a digit gets a leading {@code _} (metrics) or {@code
 * key_} (labels). {@code http.server.request.duration} becomes {@code
 * http_server_request_duration}.
 */
final class PromNames {
  private PromNames() {}

  static String metric(String name) {
    return sanitize(name, true, "_");
  }

  static String label(String name) {
    String out = sanitize(name, false, "key_");
    // Names starting with "__" are reserved in Prometheus; keep the user's text visible.
    return out.startsWith("__") ? "key" + out : out;
  }

  private static String sanitize(String name, boolean colonAllowed, String digitPrefix) {
    if (name.isEmpty()) {
      return name;
    }
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (colonAllowed && c == ':');
      if (!ok && out == null) {
        out = new StringBuilder(name.length()).append(name, 0, i);
      }
      if (out != null) {
        out.append(ok ? c : '_');
      }
    }
    String result = out == null ? name : out.toString();
    char first = result.charAt(0);
    return first >= '0' && first <= '9' ? digitPrefix + result : result;
  }
}
