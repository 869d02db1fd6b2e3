package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-token source quota: counted by token, given back when a source leaves (H1). */
class ClientSourcesTest {

  @Test
  void aTokenHoldsAtMostTheLimitWhateverItsAddress() {
    ClientSources quota = new ClientSources(2);
    quota.add("token:agents", "a");
    quota.add("token:agents", "b");

    assertThat(quota.mayAdd("token:agents")).isFalse();
    assertThat(quota.mayAdd("token:other")).isTrue();
    quota.remove("a");
    assertThat(quota.mayAdd("token:agents")).isTrue();
    assertThat(quota.held("token:agents")).isEqualTo(1);
  }

  @Test
  void clientsWithoutATokenAreNotCounted() {
    ClientSources quota = new ClientSources(1);
    quota.add("10.0.0.7", "a");
    quota.add("", "b");

    assertThat(quota.mayAdd("10.0.0.7")).isTrue();
    assertThat(quota.held("10.0.0.7")).isZero();
  }
}
