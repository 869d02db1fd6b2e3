package io.pipewatch.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's memory budget is derived from the heap the JVM has, and a configuration whose worst
 * case does not fit that heap is refused naming the setting (H1).
 */
class MemoryBudgetTest {
  private static final long MIB = 1024 * 1024;

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void autoGivesTheHeapShareDividedByTheWorstCaseOfOneSeries() {
    MemoryBudget budget = MemoryBudget.create(config(""), 256 * MIB);

    // history 104,640 B + 2 x 2,048 B of labels + 1,024 B of index per series
    assertThat(budget.bytesPerSeries()).isEqualTo(104_640 + 4_096 + 1_024);
    assertThat(budget.maxSeriesPerNode()).isEqualTo((int) (128 * MIB / 109_760));
    assertThat(budget.worstCaseBytes()).isLessThanOrEqualTo(128 * MIB);
  }

  @Test
  void theOldDefaultsWorstCaseOn256MiBStopsStartUpNamingTheSetting() {
    // 50 sources x 500 series, what the limits allowed before the budget: 2.7 GB
    Config old = config("pipewatch.collector.limits.max-series-per-node = 25000");

    assertThatThrownBy(() -> MemoryBudget.create(old, 256 * MIB))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.collector.limits.max-series-per-node")
        .hasMessageContaining("256 MiB heap");
    assertThat(MemoryBudget.create(old, 8192 * MIB).maxSeriesPerNode()).isEqualTo(25000);
  }

  @Test
  void aHeapTooSmallForOneFullSourceNamesTheSourceCap() {
    assertThatThrownBy(() -> MemoryBudget.create(config(""), 64 * MIB))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("pipewatch.collector.limits.max-series-per-source");
  }

  @Test
  void labelBytesCountNameLabelNamesAndValuesInUtf8() {
    Sample plain = Sample.gauge("q", Map.of("stage", "ocr"), 1);
    Sample wide = Sample.gauge("q", Map.of("k", "é€𝄞"), 1);

    assertThat(MemoryBudget.labelBytes(plain)).isEqualTo(1 + 5 + 3);
    assertThat(MemoryBudget.labelBytes(wide)).isEqualTo(1 + 1 + 2 + 3 + 4);
  }
}
