package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Unknown settings under {@code pipewatch.} against the modules' real reference.conf files. */
class ConfigKeysTest {
  private static final Config REFERENCE = ConfigKeys.reference();

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(REFERENCE).resolve();
  }

  @Test
  void theDefaultsAndTheRepositorysApplicationConfHaveNoUnknownKey() {
    assertThat(ConfigKeys.unknown(ConfigFactory.defaultReference(), REFERENCE)).isEmpty();
    Config shipped =
        ConfigFactory.parseFile(Path.of("..", "application.conf").toFile())
            .withFallback(REFERENCE)
            .resolve();
    assertThat(ConfigKeys.unknown(shipped, REFERENCE)).isEmpty();
  }

  @Test
  void aMisspelledKeyIsReportedWithTheNearestKnownOne() {
    var unknown = ConfigKeys.unknown(with("pipewatch.alerts.coooldown = 1m"), REFERENCE);
    assertThat(unknown).hasSize(1);
    assertThat(unknown.get(0).key()).isEqualTo("pipewatch.alerts.coooldown");
    assertThat(unknown.get(0).nearest()).isEqualTo("pipewatch.alerts.cooldown");
    assertThat(unknown.get(0).message()).contains("did you mean pipewatch.alerts.cooldown?");
  }

  @Test
  void aMisspelledSystemPropertyIsReportedToo() {
    Config effective =
        ConfigFactory.parseMap(java.util.Map.of("pipewatch.alerts.coooldown", "1m"), "-D")
            .withFallback(REFERENCE)
            .resolve();
    assertThat(ConfigKeys.unknown(effective, REFERENCE))
        .extracting(ConfigKeys.Unknown::key)
        .containsExactly("pipewatch.alerts.coooldown");
  }

  @Test
  void aKeyFarFromEverythingIsReportedWithoutAGuess() {
    var unknown = ConfigKeys.unknown(with("pipewatch.zzzzzzzzzzzzzzzz = 1"), REFERENCE);
    assertThat(unknown).singleElement().satisfies(u -> assertThat(u.nearest()).isNull());
  }

  @Test
  void sectionsOfNamedEntriesTakeTheUsersOwnNames() {
    Config own =
        with(
            """
            pipewatch.alerts.channels.ops-hook { type = webhook, url = "http://example.com/h" }
            pipewatch.alerts.inhibit.my-rule { source = ["a=b"], target = ["c=d"], equal = [] }
            """);
    assertThat(ConfigKeys.unknown(own, REFERENCE)).isEmpty();
  }

  @Test
  void keysOutsidePipewatchAreNotJudged() {
    assertThat(ConfigKeys.unknown(with("pekko.whatever = 1\nmy.own.key = 2"), REFERENCE)).isEmpty();
  }

  @Test
  void levenshteinDistance() {
    assertThat(ConfigKeys.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(ConfigKeys.distance("", "abc")).isEqualTo(3);
    assertThat(ConfigKeys.distance("same", "same")).isZero();
  }
}
