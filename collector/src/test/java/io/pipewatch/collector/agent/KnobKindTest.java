package io.pipewatch.collector.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KnobKindTest {

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource({
    "workers, false, CONCURRENCY",
    "worker_threads, false, CONCURRENCY",
    "consumer.concurrency, false, CONCURRENCY",
    "max-parallelism, false, CONCURRENCY",
    "ipc_batch_size, false, BATCH_SIZE",
    "fetch_batch, false, BATCH_SIZE",
    "buffer_pool_mb, false, POOL_SIZE",
    "cache_size, false, POOL_SIZE",
    "queue_capacity, false, OTHER",
    "timeout_ms, false, OTHER",
    "ipc_compression, true, COMPRESSION",
    "codec, true, COMPRESSION",
    "inference_model, true, CHOICE",
  })
  void aKnobsNameSuggestsItsKind(String name, boolean categorical, KnobKind kind) {
    assertThat(KnobKind.infer(name, categorical)).isEqualTo(kind);
  }

  @Test
  void aDeclaredKindWinsAndAnUndeclaredOneIsInferred() {
    assertThat(KnobSpec.numeric("lanes", "", 1, 8, 1, 2).kind()).isEqualTo(KnobKind.OTHER);
    assertThat(KnobSpec.numeric("lanes", "", 1, 8, 1, 2).withKind(KnobKind.NUMERIC).kind())
        .isEqualTo(KnobKind.NUMERIC);
    assertThat(KnobSpec.categorical("variant", "", List.of("quick", "thorough"), "quick").kind())
        .isEqualTo(KnobKind.CHOICE);
    assertThat(KnobSpec.numeric("lanes", "", 1, 8, 1, 2).withKind(KnobKind.NUMERIC).withValue(3))
        .extracting(KnobSpec::kind)
        .isEqualTo(KnobKind.NUMERIC);
  }
}
