package io.pipewatch.analyzer.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real HTTP receiver for webhook tests (the JDK's HttpServer on loopback): records every request
 * (idempotency key, parsed body, the status it answered) and answers as {@code answer} says for the
 * n-th request (1-based): a status, optionally with Retry-After. It can stop (the port then refuses
 * connections) and start again on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {
  /** What the receiver answers: a status and a Retry-After value (null: none). */
  public record Answer(int status, String retryAfter) {
    public static Answer ok() {
      return new Answer(200, null);
    }
  }

  /** One request as received. */
  public record Request(String idempotencyKey, String contentType, JsonNode body, int answered) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile IntFunction<Answer> answer = n -> Answer.ok();
  private HttpServer server;
  private int port;

  /** Started on a free loopback port. */
  public static WebhookReceiver start() {
    WebhookReceiver r = new WebhookReceiver();
    r.listen(0);
    return r;
  }

  private synchronized void listen(int onPort) {
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          Answer a = answer.apply(count.incrementAndGet());
          requests.add(
              new Request(
                  exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  JSON.readTree(body),
                  a.status()));
          if (a.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", a.retryAfter());
          }
          exchange.sendResponseHeaders(a.status(), -1);
          exchange.close();
        });
    server.start();
    port = server.getAddress().getPort();
  }

  public void answer(IntFunction<Answer> answer) {
    this.answer = answer;
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hook";
  }

  /** Stops listening: connections are refused until {@link #restart}. */
  public synchronized void stop() {
    server.stop(0);
  }

  /** Listens again on the same port. */
  public synchronized void restart() {
    listen(port);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Requests answered with a 2xx. */
  public List<Request> accepted() {
    return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
