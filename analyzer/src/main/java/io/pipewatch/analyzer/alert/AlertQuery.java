package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.Severity;
import io.pipewatch.collector.CborSerializable;
import java.util.List;

/**
 * A filter over alerts (each part optional: null) and a page: {@code status}, {@code severity},
 * {@code source} label, updated at or after {@code sinceMillis}; newest first, {@code limit} from
 * {@code offset}.
 */
public record AlertQuery(
    AlertStatus status, Severity severity, String source, long sinceMillis, int offset, int limit)
    implements CborSerializable {

  /** Whether {@code alert} passes the filter. */
  public boolean matches(Alert alert) {
    return (status == null || alert.status() == status)
        && (severity == null || alert.severity() == severity)
        && (source == null || source.equals(alert.source()))
        && alert.updatedMillis() >= sinceMillis;
  }

  /** One page of the answer: the alerts, how many matched in all, and the page's bounds. */
  public record Page(List<Alert> alerts, int total, int offset, int limit)
      implements CborSerializable {
    public Page {
      alerts = List.copyOf(alerts);
    }
  }
}
