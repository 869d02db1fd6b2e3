package io.pipewatch.analyzer.alert;

import io.pipewatch.analyzer.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alerts about Pipewatch itself (label {@code origin = system}): the journal is down, a channel is
 * failing, a source went stale, ingest is refusing samples. Each is a firing or cleared signal with
 * fingerprint {@code system/<what>[/<subject>]}; the watch of sources and ingest compares each poll
 * with the previous one.
 */
final class SystemSignals {
  private final AlertSettings.SystemAlerts settings;
  private final Set<String> staleBefore = new HashSet<>();
  private final Set<String> failingBefore = new HashSet<>();
  private long refusedBefore = -1;
  private boolean refusing;

  SystemSignals(AlertSettings.SystemAlerts settings) {
    this.settings = settings;
  }

  /**
   * After a restart, picks up the system alerts still open in the recovered {@code alerts}: stale
   * sources and ingest refusals resolve at the next poll unless they still hold; journal and
   * channel alerts resolve now (the journal just answered; a channel still failing reports again).
   * Returns the signals to apply now.
   */
  List<AlertSignal> resume(Iterable<Alert> alerts) {
    List<AlertSignal> now = new ArrayList<>();
    for (Alert a : alerts) {
      if (!a.active() || !"system".equals(a.labels().get("origin"))) {
        continue;
      }
      String what = a.labels().getOrDefault("alertname", "");
      switch (what) {
        case "source-stale" -> staleBefore.add(a.source());
        case "ingest-refusing" -> refusing = true;
        case "journal-down" -> now.add(journal(false, "the journal answered at start"));
        case "channel-failing" -> {
          String channel = a.labels().get("failing-channel");
          if (channel != null) {
            failingBefore.add(channel);
          }
        }
        default -> {}
      }
    }
    now.removeIf(java.util.Objects::isNull);
    return now;
  }

  /**
   * A channel delivered: the clearing signal of its failing alert recovered at a restart (the
   * channel's worker, new since, never saw it fail), else null.
   */
  AlertSignal delivered(String channel) {
    return failingBefore.remove(channel) ? channel(channel, false, "delivered again") : null;
  }

  AlertSignal journal(boolean down, String detail) {
    return settings.journalDown()
        ? signal(
            "journal-down",
            null,
            down,
            "Alert journal unreachable",
            "Alert state is not being written to the journal ("
                + detail
                + "); alerts are still routed and the state is written once it is back.")
        : null;
  }

  AlertSignal channel(String channel, boolean failing, String detail) {
    if (!settings.channelFailing()) {
      return null;
    }
    AlertSignal s =
        signal(
            "channel-failing",
            channel,
            failing,
            "Alert channel " + channel + " failing",
            "Deliveries to channel " + channel + " keep failing: " + detail + "; retrying.");
    Map<String, String> labels = new LinkedHashMap<>(s.labels());
    labels.put("failing-channel", channel);
    return new AlertSignal(
        s.fingerprint(),
        s.firing(),
        s.severity(),
        s.title(),
        s.description(),
        labels,
        s.evidence(),
        s.sources(),
        null);
  }

  /** Signals for sources that went stale or came back, since the previous call. */
  List<AlertSignal> sources(Map<String, Boolean> staleBySource) {
    List<AlertSignal> out = new ArrayList<>();
    if (!settings.staleSource()) {
      return out;
    }
    Set<String> stale = new HashSet<>();
    staleBySource.forEach(
        (source, isStale) -> {
          if (isStale) {
            stale.add(source);
          }
        });
    for (String s : stale) {
      if (!staleBefore.contains(s)) {
        out.add(
            signal(
                "source-stale",
                s,
                true,
                "Source " + s + " stale",
                "Source " + s + " stopped sending metrics."));
      }
    }
    for (String s : staleBefore) {
      if (!stale.contains(s)) {
        out.add(signal("source-stale", s, false, "Source " + s + " stale", "It reports again."));
      }
    }
    staleBefore.clear();
    staleBefore.addAll(stale);
    return out;
  }

  /**
   * A signal when ingest started or stopped refusing samples since the previous call, else null.
   */
  AlertSignal ingest(long refusedTotal) {
    if (!settings.ingestRefusing()) {
      return null;
    }
    boolean now = refusedBefore >= 0 && refusedTotal > refusedBefore;
    long delta = refusedBefore < 0 ? 0 : refusedTotal - refusedBefore;
    refusedBefore = refusedTotal;
    if (now == refusing) {
      return null;
    }
    refusing = now;
    return signal(
        "ingest-refusing",
        null,
        now,
        "Ingest refusing samples",
        delta + " samples refused since the previous check (caps, late batches, node full).");
  }

  private AlertSignal signal(
      String what, String subject, boolean firing, String title, String description) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", what);
    labels.put("source", subject == null ? "pipewatch" : subject);
    labels.put("kind", what);
    labels.put("rule", what);
    labels.put("origin", "system");
    return new AlertSignal(
        "system/" + what + (subject == null ? "" : "/" + subject),
        firing,
        settings.severity(),
        title,
        description,
        labels,
        List.of(),
        subject == null ? List.of() : List.of(subject),
        null);
  }

  static Severity testSeverity(Severity requested) {
    return requested == null ? Severity.CRITICAL : requested;
  }
}
