package io.pipewatch.api;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the server's actors and routes need from start-up: the validated settings and how to build
 * the journal's health check once the actor system exists.
 *
 * @param journalCheck given the system, a check that completes true when the journal answers a
 *     query in time and false otherwise; it never fails
 */
record ServerContext(
    ServerSettings settings,
    Function<ActorSystem<?>, Supplier<CompletionStage<Boolean>>> journalCheck) {}
