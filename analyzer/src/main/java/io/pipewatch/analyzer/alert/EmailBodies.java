package io.pipewatch.analyzer.alert;

import java.util.Locale;
import java.util.Map;

/** The plain-text and HTML bodies of an alert email. */
final class EmailBodies {
  private EmailBodies() {}

  static String text(Notification n) {
    StringBuilder b = new StringBuilder();
    b.append(n.subject()).append("\n\n");
    if (n.kind() == Notification.Kind.SUMMARY) {
      b.append(n.suppressedCount())
          .append(" alerts were held back by the rate limit of channel ")
          .append(n.channel())
          .append(". They are all in GET /api/alerts:\n");
      n.alerts()
          .forEach(
              a ->
                  b.append("  [")
                      .append(a.severity())
                      .append("] ")
                      .append(a.title())
                      .append(" (")
                      .append(a.status().id())
                      .append(", alert ")
                      .append(a.id())
                      .append(")\n"));
      return b.toString();
    }
    for (Alert a : n.alerts()) {
      b.append(a.severity())
          .append("  ")
          .append(a.title())
          .append('\n')
          .append("  status: ")
          .append(n.kind() == Notification.Kind.RESOLVED ? "resolved" : a.status().id())
          .append('\n')
          .append("  ")
          .append(a.description())
          .append('\n')
          .append("  started: ")
          .append(Payloads.time(a.startsMillis()))
          .append('\n');
      for (Map.Entry<String, String> l : a.labels().entrySet()) {
        b.append("  ").append(l.getKey()).append('=').append(l.getValue()).append('\n');
      }
      for (String e : a.evidence()) {
        b.append("  evidence: ").append(e).append('\n');
      }
      b.append("  alert id: ").append(a.id()).append("\n\n");
    }
    b.append("notification ").append(n.id()).append('\n');
    return b.toString();
  }

  static String html(Notification n) {
    StringBuilder b = new StringBuilder("<html><body>");
    b.append("<h2>").append(esc(n.subject())).append("</h2>");
    if (n.kind() == Notification.Kind.SUMMARY) {
      b.append("<p>")
          .append(n.suppressedCount())
          .append(
              " alerts were held back by the rate limit. They are all in GET /api/alerts.</p><ul>");
      n.alerts()
          .forEach(
              a ->
                  b.append("<li>[")
                      .append(a.severity())
                      .append("] ")
                      .append(esc(a.title()))
                      .append(" (")
                      .append(a.status().id())
                      .append(", alert ")
                      .append(esc(a.id()))
                      .append(")</li>"));
      return b.append("</ul></body></html>").toString();
    }
    b.append("<table border=\"1\" cellpadding=\"4\"><tr><th>severity</th><th>alert</th>")
        .append("<th>description</th><th>labels</th><th>started</th></tr>");
    for (Alert a : n.alerts()) {
      b.append("<tr><td>")
          .append(a.severity().name().toLowerCase(Locale.ROOT))
          .append("</td><td>")
          .append(esc(a.title()))
          .append("</td><td>")
          .append(esc(a.description()))
          .append("</td><td>")
          .append(esc(a.labels().toString()))
          .append("</td><td>")
          .append(Payloads.time(a.startsMillis()))
          .append("</td></tr>");
    }
    return b.append("</table></body></html>").toString();
  }

  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
