package io.pipewatch.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The JSON the REST route takes (FaultRequest) and answers (GroundTruth). */
class JsonShapeTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void faultRequestBindsFromTheProposedJson() throws Exception {
    FaultRequest request =
        mapper.readValue(
            "{\"kind\":\"cpu-saturation\",\"stage\":\"embed\",\"duration\":\"90s\",\"intensity\":0.8}",
            FaultRequest.class);
    FaultSpec spec = request.toSpec();
    assertThat(spec.kind()).isEqualTo(FaultKind.CPU_SATURATION);
    assertThat(spec.stage()).isEqualTo(Stage.EMBED);
    assertThat(spec.intensity()).isEqualTo(0.8);
    assertThat(
            mapper
                .readValue("{\"kind\":\"db-contention\",\"duration\":\"1m\"}", FaultRequest.class)
                .toSpec()
                .stage())
        .isEqualTo(Stage.INDEX);
  }

  @Test
  void groundTruthWritesKebabCaseNamesAndReadsBack() throws Exception {
    GroundTruth truth =
        new GroundTruth(
            "fault-3", FaultKind.SLOW_IPC, Stage.PARSE, "docpipe-parse", 1000, 91000, 0.6);
    String json = mapper.writeValueAsString(truth);
    assertThat(json)
        .contains("\"kind\":\"slow-ipc\"")
        .contains("\"stage\":\"parse\"")
        .contains("\"sourceId\":\"docpipe-parse\"")
        .contains("\"startMillis\":1000");
    assertThat(mapper.readValue(json, GroundTruth.class)).isEqualTo(truth);
  }
}
