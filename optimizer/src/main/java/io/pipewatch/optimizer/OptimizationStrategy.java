package io.pipewatch.optimizer;

import java.util.List;
import java.util.Optional;

/**
 * One way of improving a service: looks at a {@link StrategyContext} and proposes at most one knob
 * change, and any number of recommendations no knob can carry out. Implementations are plain,
 * deterministic and stateless (what they learn comes from {@link StrategyContext#outcomes()}), so
 * they are tested without actors. Add your own to the list the optimizer is created with.
 *
 * <pre>{@code
 * OptimizationStrategy queue = new OptimizationStrategy() {
 *   public String name() { return "queue-capacity"; }
 *   public Optional<Proposal> propose(StrategyContext ctx) { return Optional.empty(); }
 * };
 * }</pre>
 */
public interface OptimizationStrategy {

  /** A short stable name (used in events and metrics). */
  String name();

  /** The change this strategy would make now, if any. */
  Optional<Proposal> propose(StrategyContext context);

  /**
   * The strategies this one stands for in {@code context}: itself by default; a strategy chosen by
   * knob kind ({@link Strategies#defaults}) answers one strategy per declared knob, asked in turn.
   */
  default List<OptimizationStrategy> expand(StrategyContext context) {
    return List.of(this);
  }

  /** Advice without a knob; none by default. */
  default List<Recommendation> recommend(StrategyContext context) {
    return List.of();
  }
}
