package io.pipewatch.optimizer;

import io.pipewatch.collector.agent.KnobKind;
import io.pipewatch.collector.agent.KnobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The strategies an optimizer runs, in order of preference (the first proposal wins), chosen by
 * each declared knob's {@link KnobKind}, whatever the knob is called: a pool-size knob gets the
 * memory-pool strategy, a choice knob the backlog (model) strategy (its choices ordered fastest
 * first), a concurrency knob the Universal Scalability Law strategy and the capacity advisor, a
 * batch-size knob (with the source's compression knob, if any) the batching strategy, and a plain
 * numeric knob the noise-aware step search. Knobs of kind other are never turned.
 */
public final class Strategies {
  private Strategies() {}

  /** The built-in strategies, applied to the knobs each source declares. */
  public static List<OptimizationStrategy> defaults(OptimizerSettings settings) {
    return List.of(new ByKind(settings));
  }

  /** The strategies for {@code knobs} (by kind, in order of preference). */
  static List<OptimizationStrategy> forKnobs(
      OptimizerSettings settings, Map<String, KnobSpec> knobs) {
    long tabu = settings.tabu().toMillis();
    Map<KnobKind, List<KnobSpec>> byKind = new TreeMap<>();
    for (KnobSpec k : new TreeMap<>(knobs).values()) {
      byKind.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k);
    }
    List<OptimizationStrategy> out = new ArrayList<>();
    for (KnobSpec k : byKind.getOrDefault(KnobKind.POOL_SIZE, List.of())) {
      out.add(new MemoryPoolStrategy(k.name(), tabu));
    }
    for (KnobSpec k : byKind.getOrDefault(KnobKind.CHOICE, List.of())) {
      if (k.choices().size() >= 2) {
        out.add(
            new ModelStrategy(
                k.name(), k.choices().get(0), k.choices().get(k.choices().size() - 1), tabu));
      }
    }
    for (KnobSpec k : byKind.getOrDefault(KnobKind.CONCURRENCY, List.of())) {
      out.add(new ConcurrencyStrategy(k.name(), settings.maxStepFraction(), tabu));
    }
    List<KnobSpec> compression = byKind.getOrDefault(KnobKind.COMPRESSION, List.of());
    for (KnobSpec k : byKind.getOrDefault(KnobKind.BATCH_SIZE, List.of())) {
      String codec = compression.isEmpty() ? "" : compression.get(0).name();
      out.add(new IpcStrategy(k.name(), codec, 30e6, 500, 0.05, tabu));
    }
    for (KnobSpec k : byKind.getOrDefault(KnobKind.NUMERIC, List.of())) {
      out.add(new StepSearchStrategy(k.name(), tabu));
    }
    for (KnobSpec k : byKind.getOrDefault(KnobKind.CONCURRENCY, List.of())) {
      out.add(new CapacityAdvisor(k.name()));
    }
    return out;
  }

  /** Stands for the strategies of the knobs in the context, in order. */
  private static final class ByKind implements OptimizationStrategy {
    private final OptimizerSettings settings;

    ByKind(OptimizerSettings settings) {
      this.settings = settings;
    }

    @Override
    public String name() {
      return "by-kind";
    }

    @Override
    public List<OptimizationStrategy> expand(StrategyContext context) {
      return forKnobs(settings, context.knobs());
    }

    /** Not asked directly (the change loop asks what it {@link #expand expands} to). */
    @Override
    public Optional<Proposal> propose(StrategyContext context) {
      for (OptimizationStrategy s : expand(context)) {
        Optional<Proposal> p = s.propose(context);
        if (p.isPresent()) {
          return p;
        }
      }
      return Optional.empty();
    }

    @Override
    public List<Recommendation> recommend(StrategyContext context) {
      List<Recommendation> out = new ArrayList<>();
      for (OptimizationStrategy s : expand(context)) {
        out.addAll(s.recommend(context));
      }
      return out;
    }
  }
}
