package io.pipewatch.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket opening handshake: 101 when the server upgrades, else the status it answered
 * (tests of who may open {@code /ws}; a plain GET without the upgrade headers is not a handshake).
 */
final class WebSocketHandshake {
  private WebSocketHandshake() {}

  /**
   * The handshake's status for {@code url} (ws:// or wss://) with these header name/value pairs.
   */
  static int status(HttpClient client, String url, List<String> headers) throws Exception {
    WebSocket.Builder builder = client.newWebSocketBuilder();
    for (int i = 0; i < headers.size(); i += 2) {
      builder.header(headers.get(i), headers.get(i + 1));
    }
    try {
      WebSocket socket =
          builder
              .buildAsync(URI.create(url), new WebSocket.Listener() {})
              .get(30, TimeUnit.SECONDS);
      socket.abort();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw e;
    }
  }
}
