package io.pipewatch.analyzer.alert;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each notification as one JSON line (Pipewatch's payload) on logger {@code
 * io.pipewatch.alerts}.
 */
final class LogChannel implements AlertChannel {
  private static final Logger LOG = LoggerFactory.getLogger("io.pipewatch.alerts");

  private final String name;

  LogChannel(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletionStage<Delivery> deliver(Notification n) {
    String line = new String(Payloads.bytes(Payloads.pipewatch(n)), StandardCharsets.UTF_8);
    if (n.kind() == Notification.Kind.RESOLVED) {
      LOG.info(line);
    } else {
      LOG.warn(line);
    }
    return CompletableFuture.completedFuture(Delivery.delivered("logged"));
  }
}
