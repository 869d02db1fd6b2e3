package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthDirectiveTest {

  private static Optional<String> source(String body) {
    return AuthDirective.source(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theBatchSourceIsItsOneTopLevelStringSource() {
    assertThat(source("{\"samples\":[{\"source\":\"inner\"}],\"source\":\"svc-a\"}"))
        .contains("svc-a");
    assertThat(source("{\"labels\":{\"source\":\"inner\"},\"samples\":[]}")).isEmpty();
  }

  @Test
  void anUnreadableSourceIsLeftToTheDecoder() {
    assertThat(source("{\"source\":\"a\",\"source\":\"b\"}")).isEmpty();
    assertThat(source("{\"source\":7}")).isEmpty();
    assertThat(source("[{\"source\":\"a\"}]")).isEmpty();
    assertThat(source("{\"source\":\"a\"")).isEmpty();
    assertThat(source("")).isEmpty();
  }
}
