package io.pipewatch.simulator;

import com.typesafe.config.ConfigFactory;
import java.util.Map;

/** Test settings: the reference defaults with a 1 s flush, no demo, and the given overrides. */
final class Sims {
  static final Map<String, String> PIPE = Map.of("pipeline", "docpipe");

  private Sims() {}

  static SimulatorSettings settings(String overrides) {
    return SimulatorSettings.create(
        ConfigFactory.parseString(
                "pipewatch.simulator { flush-interval = 1s, demo.enabled = false\n"
                    + overrides
                    + "\n}")
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  static Map<String, String> stage(Stage stage) {
    return Map.of("stage", stage.id());
  }

  static Map<String, String> hop(Stage from) {
    return Map.of("hop", from.hopId());
  }

  static String source(Stage stage) {
    return "docpipe-" + stage.id();
  }

  static long s(double seconds) {
    return (long) (seconds * 1000);
  }
}
