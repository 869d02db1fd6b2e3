package io.pipewatch.analyzer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The failure patterns across sources: the logic of the {@link FleetAnalyzer}, kept apart from the
 * actor so it is plain, deterministic code (the clock is the reports' timestamps, moved forward by
 * {@link #advanceTo} between reports). Each call returns what changed as pattern events; the
 * patterns and their rules are described on {@link FleetAnalyzer}.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class FleetPatterns {

  /** A pattern event and whether the alert router should get it. */
  record Emitted(AnalysisEvent.PatternEvent event, boolean alert) {}

  private final AnalyzerSettings.FleetSettings settings;
  private final Map<String, SourceState> sources = new LinkedHashMap<>();
  private final Map<String, Active> patterns = new LinkedHashMap<>();
  private final ArrayDeque<FailurePattern> recent = new ArrayDeque<>();
  private long now = Long.MIN_VALUE;
  private long sequence;
  private List<Emitted> out = new ArrayList<>();

  FleetPatterns(AnalyzerSettings.FleetSettings settings) {
    this.settings = settings;
  }

  /** A bottleneck's state after a lifecycle change. */
  List<Emitted> report(Bottleneck b) {
    SourceState s = source(b.sourceId());
    if (b.active()) {
      s.active.put(b.kind(), b);
    } else {
      Bottleneck known = s.active.get(b.kind());
      if (known != null && known.id().equals(b.id())) {
        s.active.remove(b.kind());
      }
    }
    now = Math.max(now, b.active() ? b.updatedMillis() : b.resolvedMillis());
    return evaluate();
  }

  /** A source went stale ({@code stale}, noticed at {@code atMillis}) or reports again. */
  List<Emitted> heartbeat(String sourceId, boolean stale, long atMillis) {
    SourceState s = source(sourceId);
    s.stale = stale;
    s.staleSince = stale ? atMillis : Long.MIN_VALUE;
    now = Math.max(now, atMillis);
    return evaluate();
  }

  /** Moves the clock to {@code millis} (if later) and re-evaluates, so quiet patterns resolve. */
  List<Emitted> advanceTo(long millis) {
    if (now == Long.MIN_VALUE) {
      return List.of();
    }
    now = Math.max(now, millis);
    return evaluate();
  }

  /** The active patterns. */
  List<FailurePattern> active() {
    List<FailurePattern> active = new ArrayList<>();
    for (Active a : patterns.values()) {
      active.add(a.pattern);
    }
    return active;
  }

  /** The recently resolved patterns, newest first. */
  List<FailurePattern> recent() {
    return new ArrayList<>(recent);
  }

  private SourceState source(String id) {
    return sources.computeIfAbsent(id, k -> new SourceState(k, group(k)));
  }

  private String group(String sourceId) {
    String sep = settings.groupSeparator();
    int i = sep.isEmpty() ? -1 : sourceId.lastIndexOf(sep);
    return i <= 0 ? sourceId : sourceId.substring(0, i);
  }

  // ---- pattern evaluation ----

  private record Candidate(
      PatternKind kind, double confidence, List<String> sources, String text) {}

  private List<Emitted> evaluate() {
    out = new ArrayList<>();
    Map<String, Candidate> found = new LinkedHashMap<>();
    stalePatterns(found);
    Map<String, List<SourceState>> groups = new TreeMap<>();
    for (SourceState s : sources.values()) {
      groups.computeIfAbsent(s.group, k -> new ArrayList<>()).add(s);
    }
    for (Map.Entry<String, List<SourceState>> g : groups.entrySet()) {
      cascade(g.getKey(), g.getValue(), found);
      exhaustion(g.getKey(), g.getValue(), found);
      database(g.getKey(), g.getValue(), found);
      imbalance(g.getKey(), g.getValue(), found);
    }
    reconcile(found);
    return out;
  }

  private void stalePatterns(Map<String, Candidate> found) {
    List<SourceState> stale = new ArrayList<>();
    for (SourceState s : sources.values()) {
      if (s.stale) {
        stale.add(s);
      }
    }
    stale.sort(Comparator.comparingLong(s -> s.staleSince));
    // the largest set of sources gone stale within the partition window
    int bestFrom = 0;
    int bestSize = 0;
    for (int i = 0, j = 0; j < stale.size(); j++) {
      while (stale.get(j).staleSince - stale.get(i).staleSince
          > settings.partitionWindow().toMillis()) {
        i++;
      }
      if (j - i + 1 > bestSize) {
        bestSize = j - i + 1;
        bestFrom = i;
      }
    }
    HashSet<String> inPartition = new HashSet<>();
    if (bestSize >= settings.partitionMinSources()) {
      List<String> ids = new ArrayList<>();
      for (int k = bestFrom; k < bestFrom + bestSize; k++) {
        ids.add(stale.get(k).id);
        inPartition.add(stale.get(k).id);
      }
      double confidence = Math.min(0.95, 0.6 + 0.1 * (bestSize - settings.partitionMinSources()));
      found.put(
          "partition",
          new Candidate(
              PatternKind.NETWORK_PARTITION,
              confidence,
              ids,
              bestSize
                  + " sources stopped reporting within "
                  + settings.partitionWindow().toMillis()
                  + " ms"));
    }
    for (SourceState s : stale) {
      if (!inPartition.contains(s.id)) {
        found.put(
            "heartbeat/" + s.id,
            new Candidate(
                PatternKind.HEARTBEAT_DEGRADATION,
                0.8,
                List.of(s.id),
                "source '" + s.id + "' stopped reporting"));
      }
    }
  }

  private static final List<BottleneckKind> CASCADE_KINDS =
      List.of(
          BottleneckKind.ERRORS,
          BottleneckKind.THROUGHPUT,
          BottleneckKind.QUEUE,
          BottleneckKind.IO,
          BottleneckKind.IPC);

  private void cascade(String group, List<SourceState> members, Map<String, Candidate> found) {
    record Broken(String id, long opened) {}
    List<Broken> broken = new ArrayList<>();
    for (SourceState s : members) {
      long first = Long.MAX_VALUE;
      for (BottleneckKind k : CASCADE_KINDS) {
        Bottleneck b = s.active.get(k);
        if (b != null) {
          first = Math.min(first, b.openedMillis());
        }
      }
      if (first != Long.MAX_VALUE) {
        broken.add(new Broken(s.id, first));
      }
    }
    if (broken.size() < settings.cascadeMinSources()) {
      return;
    }
    broken.sort(Comparator.comparingLong(Broken::opened));
    long start = broken.get(0).opened();
    List<String> ids = new ArrayList<>();
    long last = start;
    for (Broken b : broken) {
      if (b.opened() - start <= settings.cascadeWindow().toMillis()) {
        ids.add(b.id());
        last = b.opened();
      }
    }
    if (ids.size() < settings.cascadeMinSources() || last - start < 1_000) {
      return;
    }
    double confidence = Math.min(0.95, 0.4 + 0.15 * (ids.size() - 1));
    found.put(
        "cascade/" + group,
        new Candidate(
            PatternKind.CASCADING_FAILURE,
            confidence,
            ids,
            "failures spread over "
                + ids.size()
                + " sources of '"
                + group
                + "', starting at '"
                + ids.get(0)
                + "'"));
  }

  private void exhaustion(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    double forecastConfidence = 0;
    for (SourceState s : members) {
      Bottleneck cpu = s.active.get(BottleneckKind.CPU);
      Bottleneck memory = s.active.get(BottleneckKind.MEMORY);
      if (cpu != null || memory != null) {
        ids.add(s.id);
      }
      if (memory != null && memory.forecastMillis() >= 0) {
        forecastConfidence = Math.max(forecastConfidence, memory.confidence());
      }
    }
    double confidence = 0;
    if (ids.size() >= settings.exhaustionMinSources()) {
      confidence = Math.min(0.95, 0.5 + 0.15 * (ids.size() - 1));
    }
    confidence = Math.max(confidence, forecastConfidence);
    if (confidence > 0) {
      found.put(
          "exhaustion/" + group,
          new Candidate(
              PatternKind.RESOURCE_EXHAUSTION,
              confidence,
              ids,
              "CPU or memory running out on " + ids.size() + " source(s) of '" + group + "'"));
    }
  }

  private void database(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    for (SourceState s : members) {
      Bottleneck io = s.active.get(BottleneckKind.IO);
      if (io != null
          && s.active.get(BottleneckKind.CPU) == null
          && hasDimension(io, Dimension.DB_LATENCY)) {
        ids.add(s.id);
      }
    }
    if (!ids.isEmpty()) {
      found.put(
          "database/" + group,
          new Candidate(
              PatternKind.DATABASE_CONTENTION,
              Math.min(0.95, 0.6 + 0.15 * (ids.size() - 1)),
              ids,
              "database latency up on "
                  + ids.size()
                  + " source(s) of '"
                  + group
                  + "' while their CPU is not saturated"));
    }
  }

  private void imbalance(String group, List<SourceState> members, Map<String, Candidate> found) {
    List<String> ids = new ArrayList<>();
    double confidence = 0;
    for (SourceState s : members) {
      for (Bottleneck b : s.active.values()) {
        if (hasDimension(b, Dimension.WORKER_SKEW)) {
          ids.add(s.id);
          confidence = Math.max(confidence, b.confidence());
          break;
        }
      }
    }
    if (!ids.isEmpty()) {
      found.put(
          "imbalance/" + group,
          new Candidate(
              PatternKind.LOAD_IMBALANCE,
              confidence,
              ids,
              "work concentrated on one worker on "
                  + ids.size()
                  + " source(s) of '"
                  + group
                  + "'"));
    }
  }

  private static boolean hasDimension(Bottleneck b, Dimension d) {
    for (Evidence e : b.evidence()) {
      if (e.dimension() == d) {
        return true;
      }
    }
    return false;
  }

  private void reconcile(Map<String, Candidate> found) {
    for (Map.Entry<String, Candidate> e : found.entrySet()) {
      Candidate c = e.getValue();
      Active a = patterns.get(e.getKey());
      if (a == null) {
        FailurePattern p =
            new FailurePattern(
                c.kind().id() + "/" + (++sequence),
                c.kind(),
                c.confidence(),
                c.sources(),
                c.text(),
                now,
                now,
                0);
        patterns.put(e.getKey(), new Active(p, now));
        out.add(new Emitted(new FleetAnalyzer.PatternDetected(p), true));
      } else {
        a.lastTrue = now;
        FailurePattern p = a.pattern;
        boolean spread = !p.sources().equals(c.sources());
        if (spread || Math.abs(p.confidence() - c.confidence()) >= 0.1) {
          a.pattern =
              new FailurePattern(
                  p.id(),
                  p.kind(),
                  c.confidence(),
                  c.sources(),
                  c.text(),
                  p.detectedMillis(),
                  now,
                  0);
          out.add(new Emitted(new FleetAnalyzer.PatternUpdated(a.pattern), spread));
        }
      }
    }
    var it = patterns.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Active> e = it.next();
      if (found.containsKey(e.getKey())) {
        continue;
      }
      Active a = e.getValue();
      PatternKind kind = a.pattern.kind();
      boolean immediate =
          kind == PatternKind.HEARTBEAT_DEGRADATION || kind == PatternKind.NETWORK_PARTITION;
      if (immediate || now - a.lastTrue >= settings.quietFor().toMillis()) {
        FailurePattern p = a.pattern;
        FailurePattern resolved =
            new FailurePattern(
                p.id(),
                p.kind(),
                p.confidence(),
                p.sources(),
                p.description(),
                p.detectedMillis(),
                now,
                now);
        it.remove();
        recent.addFirst(resolved);
        while (recent.size() > settings.recentPatterns()) {
          recent.removeLast();
        }
        out.add(new Emitted(new FleetAnalyzer.PatternResolved(resolved), true));
      }
    }
  }

  private static final class SourceState {
    final String id;
    final String group;
    final Map<BottleneckKind, Bottleneck> active = new EnumMap<>(BottleneckKind.class);
    boolean stale;
    long staleSince = Long.MIN_VALUE;

    SourceState(String id, String group) {
      this.id = id;
      this.group = group;
    }
  }

  private static final class Active {
    FailurePattern pattern;
    long lastTrue;

    Active(FailurePattern pattern, long lastTrue) {
      this.pattern = pattern;
      this.lastTrue = lastTrue;
    }
  }
}
