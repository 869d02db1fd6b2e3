package io.pipewatch.api;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko Management's readiness check ({@code /ready} on the management port): ready when every part
 * of the node's health ({@code /api/health}) is UP — this node is an Up member, the journal answers
 * a query, HTTP is bound and the top-level actors are alive. Configured under {@code
 * pekko.management.health-checks.readiness-checks}; Pekko creates it with the actor system.
 *
 * <p>On the management port (not the API's, so no route example): {@code localhost:8558/ready}
 * answers 200 once ready, else 500; {@code /alive} 200 while the actor system runs.
 */
public final class ReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private static final Logger log = LoggerFactory.getLogger(ReadinessCheck.class);

  private final NodeHealth health;

  /** Called by Pekko Management with the node's actor system. */
  public ReadinessCheck(ActorSystem system) {
    this.health = NodeHealth.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return health
        .check()
        .thenApply(
            answer -> {
              if (answer.isEmpty()) {
                return false;
              }
              HealthRoutes.Health node = answer.get();
              boolean up = "UP".equals(node.status());
              if (!up) {
                log.debug("Not ready: {}", node.parts());
              }
              return up;
            });
  }
}
