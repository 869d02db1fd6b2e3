package io.pipewatch.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@code /ws} client that subscribes to DashboardUpdates and remembers when each arrived (nano
 * time) and whether and why the socket closed: for tests that check a client keeps receiving while
 * something else happens to the cluster.
 */
final class LiveWatcher implements WebSocket.Listener, AutoCloseable {
  private final List<Long> updates = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> closed = new AtomicReference<>();
  private final StringBuilder partial = new StringBuilder();
  private final WebSocket socket;

  private LiveWatcher(int httpPort) throws Exception {
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws"), this)
            .get(30, TimeUnit.SECONDS);
    socket
        .sendText("{\"subscribe\":{\"types\":[\"DashboardUpdate\"],\"interval\":\"250ms\"}}", true)
        .get(10, TimeUnit.SECONDS);
  }

  static LiveWatcher open(int httpPort) throws Exception {
    return new LiveWatcher(httpPort);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      if (partial.indexOf("\"type\":\"DashboardUpdate\"") >= 0) {
        updates.add(System.nanoTime());
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.set(statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.set("error: " + error);
  }

  /** How the socket closed, or null while it is open. */
  String closedBecause() {
    return closed.get();
  }

  /** Updates that arrived after {@code sinceNanos}. */
  long updatesSince(long sinceNanos) {
    return updates.stream().filter(t -> t > sinceNanos).count();
  }

  /** The longest time between two updates (or from {@code sinceNanos} to the first) after it. */
  Duration longestGapSince(long sinceNanos) {
    long previous = sinceNanos;
    long longest = 0;
    for (long t : updates) {
      if (t > sinceNanos) {
        longest = Math.max(longest, t - previous);
        previous = t;
      }
    }
    longest = Math.max(longest, System.nanoTime() - previous);
    return Duration.ofNanos(longest);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
