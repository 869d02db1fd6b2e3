package io.pipewatch.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Hands the node's health check (the one behind {@code /api/health}) to code that Pekko creates by
 * reflection with nothing but the actor system, such as {@link ReadinessCheck}. The guardian
 * registers the check once it has started the top-level actors; until then the node is not ready.
 */
final class NodeHealth implements Extension {
  private static final Id ID = new Id();

  private final AtomicReference<Supplier<CompletionStage<HealthRoutes.Health>>> check =
      new AtomicReference<>();

  static NodeHealth get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void register(Supplier<CompletionStage<HealthRoutes.Health>> value) {
    check.set(value);
  }

  /** The node's health, or empty while nothing is registered. */
  CompletionStage<java.util.Optional<HealthRoutes.Health>> check() {
    Supplier<CompletionStage<HealthRoutes.Health>> registered = check.get();
    if (registered == null) {
      return CompletableFuture.completedFuture(java.util.Optional.empty());
    }
    return registered.get().thenApply(java.util.Optional::of);
  }

  private static final class Id extends ExtensionId<NodeHealth> {
    @Override
    public NodeHealth createExtension(ActorSystem<?> system) {
      return new NodeHealth();
    }
  }
}
