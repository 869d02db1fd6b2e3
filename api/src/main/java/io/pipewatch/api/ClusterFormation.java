package io.pipewatch.api;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts what makes a node find its cluster: Pekko Management's HTTP server (health and membership
 * routes, and the endpoint Cluster Bootstrap probes) and, unless discovery is {@code none}, Cluster
 * Bootstrap. With discovery {@code none} the guardian joins the node to itself instead.
 */
final class ClusterFormation {
  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

  private ClusterFormation() {}

  /** Starts management (if enabled) and bootstrap (if discovering); completes once bound. */
  static CompletionStage<?> start(ActorSystem<?> system, ClusterSettings settings) {
    if (!settings.management().enabled()) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    CompletionStage<?> bound =
        PekkoManagement.get(classic)
            .start()
            .thenApply(
                uri -> {
                  log.info(
                      "Pekko Management bound to {}:{}, reached at {} (/alive, /ready)",
                      settings.management().bindInterface(),
                      settings.management().port(),
                      uri);
                  return uri;
                });
    if (settings.multiNode()) {
      ClusterBootstrap.get(classic).start();
      log.info(
          "Cluster Bootstrap started: discovery {}, service {}, {} contact point(s) required",
          settings.discovery().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          settings.serviceName(),
          settings.requiredContactPoints());
    }
    return bound;
  }
}
