package io.pipewatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;

/**
 * Renders the report of {@link ReportRoutes} (its JSON content) as one self-contained HTML page:
 * styles inline, every chart an inline SVG polyline scaled to its own minimum and maximum, tables
 * for bottlenecks, alerts and optimizer events. No script and no outside file, so the page can be
 * mailed or archived as it is. Every text from the data is HTML-escaped.
 */
final class ReportPage {
  static final int WIDTH = 360;
  static final int HEIGHT = 120;

  private ReportPage() {}

  static String render(ObjectNode report) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Pipewatch report, last ")
        .append(esc(report.path("range").asText()))
        .append("</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1b1f24}")
        .append("h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}")
        .append(".charts{display:flex;flex-wrap:wrap;gap:1rem}")
        .append("figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}")
        .append("figcaption{font-size:12px;color:#57606a}")
        .append("table{border-collapse:collapse;width:100%}")
        .append("th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;")
        .append("vertical-align:top}th{background:#f6f8fa}")
        .append(".none{color:#57606a}</style></head><body>\n");
    h.append("<h1>Pipewatch report</h1><p>From ")
        .append(esc(report.path("from").asText()))
        .append(" to ")
        .append(esc(report.path("to").asText()))
        .append(" (last ")
        .append(esc(report.path("range").asText()))
        .append("), generated ")
        .append(esc(report.path("generatedAt").asText()))
        .append(".</p>\n");
    charts(h, report.path("charts"));
    bottlenecks(h, report.path("bottlenecks"));
    alerts(h, report.path("alerts"), report.path("alertsTotal").asInt());
    optimizations(h, report.path("optimizations"));
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void charts(StringBuilder h, JsonNode charts) {
    h.append("<h2>Charts</h2>");
    if (charts.isEmpty()) {
      h.append("<p class=\"none\">No series in this range.</p>");
      return;
    }
    h.append("<div class=\"charts\">");
    for (JsonNode chart : charts) {
      h.append("<figure>");
      svg(h, chart.path("timestamps"), chart.path("values"));
      h.append("<figcaption>")
          .append(esc(chart.path("title").asText()))
          .append(" (")
          .append(esc(chart.path("unit").asText()))
          .append(") — ")
          .append(esc(chart.path("source").asText()))
          .append("<br>")
          .append(esc(chart.path("series").asText()))
          .append("</figcaption></figure>");
    }
    h.append("</div>\n");
  }

  /** One polyline of the finite values, with the minimum and maximum written at the left. */
  static void svg(StringBuilder h, JsonNode timestamps, JsonNode values) {
    int n = Math.min(timestamps.size(), values.size());
    double minT = Double.POSITIVE_INFINITY;
    double maxT = Double.NEGATIVE_INFINITY;
    double minV = Double.POSITIVE_INFINITY;
    double maxV = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double v = values.get(i).asDouble(Double.NaN);
      if (!values.get(i).isNumber() || !Double.isFinite(v)) {
        continue;
      }
      double t = timestamps.get(i).asDouble();
      minT = Math.min(minT, t);
      maxT = Math.max(maxT, t);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\">")
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    if (minT == Double.POSITIVE_INFINITY) {
      h.append("<text x=\"8\" y=\"20\" font-size=\"12\" fill=\"#57606a\">no data</text></svg>");
      return;
    }
    double spanT = Math.max(1, maxT - minT);
    double spanV = maxV - minV == 0 ? 1 : maxV - minV;
    int top = 16;
    int bottom = HEIGHT - 6;
    h.append("<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"");
    for (int i = 0; i < n; i++) {
      double v = values.get(i).asDouble(Double.NaN);
      if (!values.get(i).isNumber() || !Double.isFinite(v)) {
        continue;
      }
      double x = (timestamps.get(i).asDouble() - minT) / spanT * (WIDTH - 4) + 2;
      double y = bottom - (v - minV) / spanV * (bottom - top);
      h.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    h.append("\"/><text x=\"4\" y=\"12\" font-size=\"10\" fill=\"#57606a\">max ")
        .append(number(maxV))
        .append(", min ")
        .append(number(minV))
        .append("</text></svg>");
  }

  private static void bottlenecks(StringBuilder h, JsonNode list) {
    h.append("<h2>Bottlenecks (active now)</h2>");
    if (list.isEmpty()) {
      h.append("<p class=\"none\">None.</p>\n");
      return;
    }
    h.append(
        "<table><tr><th>source</th><th>kind</th><th>severity</th><th>impact</th>"
            + "<th>confidence</th><th>opened</th><th>evidence</th></tr>");
    for (JsonNode b : list) {
      h.append("<tr><td>")
          .append(esc(b.path("sourceId").asText()))
          .append("</td><td>")
          .append(esc(b.path("kind").asText()))
          .append("</td><td>")
          .append(esc(b.path("severity").asText()))
          .append("</td><td>")
          .append(percent(b.path("impact").asDouble()))
          .append("</td><td>")
          .append(percent(b.path("confidence").asDouble()))
          .append("</td><td>")
          .append(time(b.path("openedMillis").asLong()))
          .append("</td><td>");
      for (JsonNode e : b.path("evidence")) {
        h.append(esc(e.isTextual() ? e.asText() : evidence(e))).append("<br>");
      }
      h.append("</td></tr>");
    }
    h.append("</table>\n");
  }

  /** {@code rule series = value (threshold t)} of one piece of evidence. */
  private static String evidence(JsonNode e) {
    StringBuilder out = new StringBuilder(e.path("rule").asText(""));
    if (e.hasNonNull("seriesId")) {
      out.append(' ').append(e.path("seriesId").asText());
    }
    if (e.path("value").isNumber()) {
      out.append(" = ").append(number(e.path("value").asDouble()));
    }
    if (e.path("threshold").isNumber()) {
      out.append(" (threshold ").append(number(e.path("threshold").asDouble())).append(')');
    }
    return out.toString();
  }

  private static void alerts(StringBuilder h, JsonNode list, int total) {
    h.append("<h2>Alerts (").append(total).append(" in range)</h2>");
    if (list.isEmpty()) {
      h.append("<p class=\"none\">None.</p>\n");
      return;
    }
    h.append(
        "<table><tr><th>started</th><th>severity</th><th>status</th><th>title</th>"
            + "<th>sources</th><th>acknowledged by</th></tr>");
    for (JsonNode a : list) {
      h.append("<tr><td>")
          .append(time(a.path("startsMillis").asLong()))
          .append("</td><td>")
          .append(esc(a.path("severity").asText()))
          .append("</td><td>")
          .append(esc(a.path("status").asText()))
          .append("</td><td>")
          .append(esc(a.path("title").asText()))
          .append("</td><td>");
      for (JsonNode s : a.path("sources")) {
        h.append(esc(s.asText())).append(' ');
      }
      h.append("</td><td>")
          .append(esc(a.path("acknowledgement").path("by").asText("")))
          .append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void optimizations(StringBuilder h, JsonNode list) {
    h.append("<h2>Optimizer events</h2>");
    if (list.isEmpty()) {
      h.append("<p class=\"none\">None.</p>\n");
      return;
    }
    h.append("<table><tr><th>at</th><th>source</th><th>event</th><th>detail</th></tr>");
    for (JsonNode o : list) {
      h.append("<tr><td>")
          .append(time(o.path("atMillis").asLong()))
          .append("</td><td>")
          .append(esc(o.path("source").asText()))
          .append("</td><td>")
          .append(esc(o.path("type").asText()))
          .append("</td><td><code>")
          .append(esc(o.path("event").toString()))
          .append("</code></td></tr>");
    }
    h.append("</table>\n");
  }

  private static String percent(double ratio) {
    return Double.isFinite(ratio) ? Math.round(ratio * 100) + " %" : "";
  }

  private static String time(long millis) {
    return millis <= 0 ? "" : Instant.ofEpochMilli(millis).toString();
  }

  private static String number(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    double a = Math.abs(v);
    if (a != 0 && (a >= 1e6 || a < 1e-3)) {
      return String.format(Locale.ROOT, "%.3g", v);
    }
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("\\.?0+$", "");
  }

  /** HTML-escapes text for element content and quoted attributes. */
  static String esc(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
