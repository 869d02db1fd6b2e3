package io.pipewatch.collector.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.Sample;
import io.pipewatch.collector.scrape.TextFormatParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A scrape of the real prometheus-node-exporter (1.x, Debian package), captured on the build
 * machine into {@code semantics/node-exporter.prom}, gets CPU, memory, disk and pressure roles with
 * no configuration.
 */
class NodeExporterScrapeTest {

  @Test
  void aCapturedScrapeYieldsCpuMemoryDiskAndPressureRoles() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/semantics/node-exporter.prom")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    TextFormatParser.ParseResult parsed = TextFormatParser.parse(text);
    assertThat(parsed.samples()).hasSizeGreaterThan(100);
    Set<Role> roles = EnumSet.noneOf(Role.class);
    SeriesRoles cache = new SeriesRoles(Semantics.defaults());
    int i = 0;
    for (Sample s : parsed.samples()) {
      RoleMatch m = cache.of(i++, s);
      if (m.matched()) {
        roles.add(m.role());
        if (s.name().startsWith("node_")) {
          assertThat(m.reason()).startsWith("node_exporter");
        }
      }
    }
    assertThat(roles)
        .contains(
            Role.CPU_UTILIZATION,
            Role.CPU_SATURATION,
            Role.MEMORY_UTILIZATION,
            Role.MEMORY_LIMIT,
            Role.MEMORY_SATURATION,
            Role.IO_UTILIZATION,
            Role.IO_SATURATION,
            Role.NETWORK_UTILIZATION);
  }
}
