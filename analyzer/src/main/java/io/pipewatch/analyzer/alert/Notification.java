package io.pipewatch.analyzer.alert;

import java.util.List;

/**
 * One message for one channel: its {@code id} is the idempotency key (a receiver that sees it twice
 * saw a retry), {@code kind} firing, resolved or summary, the alerts it tells about (as they were
 * when it was queued, without their logs), the group it belongs to, when it was queued ({@code
 * createdMillis}) and when the earliest signal behind it reached the router ({@code raisedMillis},
 * the start of its delivery latency). A summary names how many alerts the rate limit held back
 * ({@code suppressedCount}) and their ids, and carries those alerts as they stood when the window
 * ended, so that it names each of them.
 */
public record Notification(
    String id,
    String channel,
    Kind kind,
    String groupKey,
    List<Alert> alerts,
    long createdMillis,
    long raisedMillis,
    int suppressedCount,
    List<String> suppressedIds)
    implements AlertNews {

  public Notification {
    alerts = List.copyOf(alerts);
    suppressedIds = List.copyOf(suppressedIds);
  }

  /** What a notification says. */
  public enum Kind {
    FIRING,
    RESOLVED,
    SUMMARY
  }

  /** "[SEVERITY] title (alert id)" of each alert {@code n} carries, separated by "; ". */
  static String titles(Notification n) {
    return String.join(
        "; ",
        n.alerts().stream()
            .map(a -> "[" + a.severity() + "] " + a.title() + " (" + a.id() + ")")
            .toList());
  }

  /** The ids of the alerts it tells about. */
  public List<String> alertIds() {
    return alerts.stream().map(Alert::id).toList();
  }

  /** A one-line subject: "[CRITICAL] CPU saturated on host/x" or "12 more alerts". */
  public String subject() {
    if (kind == Kind.SUMMARY) {
      return suppressedCount
          + " more alerts (rate limit of channel "
          + channel
          + "): "
          + titles(this);
    }
    Alert first = alerts.get(0);
    String prefix = kind == Kind.RESOLVED ? "[RESOLVED] " : "[" + first.severity() + "] ";
    String more = alerts.size() > 1 ? " (+" + (alerts.size() - 1) + " more)" : "";
    return prefix + first.title() + more;
  }
}
