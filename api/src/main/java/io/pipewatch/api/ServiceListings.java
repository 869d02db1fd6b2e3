package io.pipewatch.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The node's latest receptionist {@link Receptionist.Listing} of each service key that {@link
 * FanOut} uses, kept current by one subscriber actor, so that a cluster-wide read does not ask the
 * receptionist each time (on one node that ask cost more than the query it preceded). The
 * subscriber is the only writer; readers get the immutable listing it last received, or nothing
 * before the first one arrived (then {@link FanOut} asks the receptionist).
 *
 * <pre>{@code
 * Optional<Receptionist.Listing> now =
 *     ServiceListings.get(system).latest(SourceDirectory.SERVICE_KEY);
 * }</pre>
 */
final class ServiceListings implements Extension {
  private static final Id ID = new Id();

  private final Map<ServiceKey<?>, Receptionist.Listing> latest = new ConcurrentHashMap<>();
  private final Map<ServiceKey<?>, Boolean> subscribed = new ConcurrentHashMap<>();
  private final ActorSystem<?> system;
  private final ActorRef<Receptionist.Listing> subscriber;

  private ServiceListings(ActorSystem<?> system) {
    this.system = system;
    this.subscriber =
        system.systemActorOf(
            Behaviors.receive(Receptionist.Listing.class)
                .onMessage(
                    Receptionist.Listing.class,
                    listing -> {
                      latest.put(listing.getKey(), listing);
                      return Behaviors.same();
                    })
                .build(),
            "pipewatch-service-listings",
            Props.empty());
  }

  /** The node's listings. */
  static ServiceListings get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * The latest listing of {@code key}; the first call subscribes to it and answers empty until the
   * receptionist's first listing arrives.
   */
  Optional<Receptionist.Listing> latest(ServiceKey<?> key) {
    Receptionist.Listing listing = latest.get(key);
    if (listing == null && subscribed.putIfAbsent(key, Boolean.TRUE) == null) {
      system.receptionist().tell(Receptionist.subscribe(key, subscriber));
    }
    return Optional.ofNullable(listing);
  }

  private static final class Id extends ExtensionId<ServiceListings> {
    @Override
    public ServiceListings createExtension(ActorSystem<?> system) {
      return new ServiceListings(system);
    }
  }
}
