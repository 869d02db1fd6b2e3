package io.pipewatch.api;

import io.pipewatch.analyzer.Bottleneck;
import io.pipewatch.analyzer.BottleneckBoard;
import io.pipewatch.analyzer.FailurePattern;
import io.pipewatch.analyzer.FleetAnalyzer;
import io.pipewatch.collector.SourceDirectory;
import io.pipewatch.collector.SourceSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Merges the answers of every node into one cluster-wide answer (see {@link FanOut}).
 *
 * <p>Sources: each lives on one node, but during a shard handover the old and the new node may both
 * list it for a moment; the entry with the newest data wins. Bottlenecks and patterns: every board
 * hears the whole cluster's "bottlenecks" topic, so boards mostly agree; a board that joined late
 * missed what opened before, and a board that was cut off may have missed a resolve. So the newest
 * version of each id wins, and an id that any board saw resolved (a pattern in its recent list, a
 * bottleneck among its recently resolved ids) at or after that version is not active.
 */
final class ClusterMerge {
  private ClusterMerge() {}

  /** Every node's sources, one entry per source (the freshest), by source id. */
  static List<SourceDirectory.SourceInfo> sources(List<SourceDirectory.SourceList> lists) {
    Map<String, SourceDirectory.SourceInfo> by = new TreeMap<>();
    for (SourceDirectory.SourceList list : lists) {
      for (SourceDirectory.SourceInfo s : list.sources()) {
        by.merge(
            s.sourceId(), s, (a, b) -> b.lastTimestampMillis() > a.lastTimestampMillis() ? b : a);
      }
    }
    return List.copyOf(by.values());
  }

  /**
   * Every node's latest snapshots, one per source (the newest), by source id; a source is
   * unanswered only if no node answered for it.
   */
  static SourceDirectory.LatestSnapshots latest(List<SourceDirectory.LatestSnapshots> all) {
    if (all.size() == 1) {
      return all.get(0);
    }
    Map<String, SourceSnapshot> by = new TreeMap<>();
    TreeSet<String> unanswered = new TreeSet<>();
    for (SourceDirectory.LatestSnapshots one : all) {
      for (SourceSnapshot s : one.snapshots()) {
        by.merge(s.sourceId(), s, (a, b) -> b.timestampMillis() > a.timestampMillis() ? b : a);
      }
      unanswered.addAll(one.unanswered());
    }
    unanswered.removeAll(by.keySet());
    return new SourceDirectory.LatestSnapshots(
        new ArrayList<>(by.values()), new ArrayList<>(unanswered));
  }

  /**
   * The active bottlenecks of every board, newest version of each id, none that a board saw
   * resolved since; highest impact first (then by id), as one board answers.
   */
  static List<Bottleneck> bottlenecks(List<BottleneckBoard.Bottlenecks> boards) {
    if (boards.size() == 1) {
      return boards.get(0).bottlenecks();
    }
    Map<String, Long> resolved = new HashMap<>();
    List<Bottleneck> all = new ArrayList<>();
    for (BottleneckBoard.Bottlenecks board : boards) {
      all.addAll(board.bottlenecks());
      board.resolved().forEach((id, at) -> resolved.merge(id, at, Math::max));
    }
    List<Bottleneck> out =
        newest(all, Bottleneck::id, Bottleneck::updatedMillis).stream()
            .filter(b -> resolved.getOrDefault(b.id(), Long.MIN_VALUE) < b.updatedMillis())
            .toList();
    return out.stream()
        .sorted(
            Comparator.comparingDouble(Bottleneck::impact).reversed().thenComparing(Bottleneck::id))
        .toList();
  }

  /**
   * The patterns of every board: active ones (newest version of each id, none that a board lists as
   * resolved since) and at most {@code recentMax} recently resolved ones, newest first.
   */
  static FleetAnalyzer.Patterns patterns(List<FleetAnalyzer.Patterns> boards, int recentMax) {
    if (boards.size() == 1) {
      return boards.get(0);
    }
    List<FailurePattern> active = new ArrayList<>();
    List<FailurePattern> recent = new ArrayList<>();
    for (FleetAnalyzer.Patterns board : boards) {
      active.addAll(board.active());
      recent.addAll(board.recent());
    }
    List<FailurePattern> ended =
        newest(recent, FailurePattern::id, FailurePattern::resolvedMillis).stream()
            .sorted(
                Comparator.comparingLong(FailurePattern::resolvedMillis)
                    .reversed()
                    .thenComparing(FailurePattern::id))
            .limit(recentMax)
            .toList();
    Map<String, Long> resolvedAt = new HashMap<>();
    recent.forEach(p -> resolvedAt.merge(p.id(), p.resolvedMillis(), Math::max));
    List<FailurePattern> open =
        newest(active, FailurePattern::id, FailurePattern::updatedMillis).stream()
            .filter(p -> resolvedAt.getOrDefault(p.id(), Long.MIN_VALUE) < p.updatedMillis())
            .sorted(Comparator.comparing(FailurePattern::id))
            .toList();
    return new FleetAnalyzer.Patterns(open, ended);
  }

  /** One item per id: the one with the largest {@code version}. */
  private static <T> List<T> newest(
      List<T> items, Function<T, String> id, ToLongFunction<T> version) {
    Map<String, T> by = new TreeMap<>();
    for (T item : items) {
      by.merge(
          id.apply(item), item, (a, b) -> version.applyAsLong(b) > version.applyAsLong(a) ? b : a);
    }
    return new ArrayList<>(by.values());
  }
}
