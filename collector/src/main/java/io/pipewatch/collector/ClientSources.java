package io.pipewatch.collector;

import java.util.HashMap;
import java.util.Map;

/**
 * Which sources each ingest token holds on this node, for the per-token quota {@code
 * max-sources-per-client}: a token (client {@code token:<name>}, set by the HTTP edge from the
 * token that authenticated the batch) may hold at most that many sources here, whatever addresses
 * it sends from. Clients without a token (in-process agents, open mode on loopback) are not
 * counted. Plain logic owned by the {@link SourceDirectory}.
 */
final class ClientSources {
  /** Clients whose sources are counted: an ingest token's name after this prefix. */
  static final String TOKEN_PREFIX = "token:";

  private final int limit;
  private final Map<String, String> ownerBySource = new HashMap<>();
  private final Map<String, Integer> heldByClient = new HashMap<>();

  ClientSources(int limit) {
    this.limit = limit;
  }

  /** Whether {@code client} may take one more source. */
  boolean mayAdd(String client) {
    return !counted(client) || heldByClient.getOrDefault(client, 0) < limit;
  }

  /** {@code client} now holds {@code sourceId}. */
  void add(String client, String sourceId) {
    if (counted(client) && ownerBySource.putIfAbsent(sourceId, client) == null) {
      heldByClient.merge(client, 1, Integer::sum);
    }
  }

  /** {@code sourceId} left the node. */
  void remove(String sourceId) {
    String client = ownerBySource.remove(sourceId);
    if (client != null) {
      heldByClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Sources {@code client} holds here. */
  int held(String client) {
    return heldByClient.getOrDefault(client, 0);
  }

  int limit() {
    return limit;
  }

  private static boolean counted(String client) {
    return client != null && client.startsWith(TOKEN_PREFIX);
  }
}
