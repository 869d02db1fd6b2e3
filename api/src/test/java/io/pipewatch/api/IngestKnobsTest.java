package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewatch.collector.agent.KnobKind;
import io.pipewatch.collector.agent.KnobSpec;
import io.pipewatch.optimizer.AdaptiveOptimizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestKnobsTest {

  private static IngestKnobs.Result split(String body) {
    return IngestKnobs.split(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aBodyWithoutKnobsIsPassedOnUntouched() {
    byte[] body = "{\"source\":\"a\",\"samples\":[]}".getBytes(StandardCharsets.UTF_8);
    IngestKnobs.Split split = (IngestKnobs.Split) IngestKnobs.split(body);
    assertThat(split.samples()).isSameAs(body);
    assertThat(split.forOptimizer()).isFalse();
  }

  @Test
  void knobsAndAppliedAreTakenOutAndTheRestKeptByteForByte() {
    String body =
        "{ \"knobs\": [{\"name\":\"batch_size\",\"min\":1,\"max\":256,\"step\":1,\"value\":16},"
            + " {\"name\":\"codec\",\"choices\":[\"none\",\"lz4\"],\"value\":\"lz4\"}],\n"
            + " \"source\" : \"svc \\u0041\", \"samples\":[{\"name\":\"x\",\"kind\":\"gauge\","
            + "\"value\":1e3, \"labels\":{\"k\":\"v}\"}}],"
            + " \"applied\":[{\"changeId\":\"svc#3\",\"knob\":\"batch_size\",\"value\":20}],"
            + " \"timestamp\": 17 }";
    IngestKnobs.Split split = (IngestKnobs.Split) split(body);
    assertThat(new String(split.samples(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"source\" : \"svc \\u0041\",\"samples\":[{\"name\":\"x\",\"kind\":\"gauge\","
                + "\"value\":1e3, \"labels\":{\"k\":\"v}\"}}],\"timestamp\": 17}");
    assertThat(split.knobs())
        .containsExactly(
            KnobSpec.numeric("batch_size", "", 1, 256, 1, 16),
            KnobSpec.categorical("codec", "", List.of("none", "lz4"), "lz4"));
    assertThat(split.applied())
        .containsExactly(new AdaptiveOptimizer.Applied("svc#3", "batch_size", 20));
    assertThat(split.forOptimizer()).isTrue();
  }

  @Test
  void aKnobMayDeclareItsKindElseItIsInferredFromItsName() {
    IngestKnobs.Split split =
        (IngestKnobs.Split)
            split(
                "{\"source\":\"s\",\"samples\":[],\"knobs\":["
                    + "{\"name\":\"lanes\",\"kind\":\"numeric\",\"min\":1,\"max\":8,"
                    + "\"step\":1,\"value\":2},"
                    + "{\"name\":\"workers\",\"min\":1,\"max\":16,\"step\":1,\"value\":1}]}");
    assertThat(split.knobs())
        .extracting(KnobSpec::kind)
        .containsExactly(KnobKind.NUMERIC, KnobKind.CONCURRENCY);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"knobs\":{},\"samples\":[]} | knobs",
        "{\"knobs\":[{\"min\":1,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].name",
        "{\"knobs\":[{\"name\":\"a b\",\"min\":1,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].name",
        "{\"knobs\":[{\"name\":\"a\",\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].min",
        "{\"knobs\":[{\"name\":\"a\",\"min\":3,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].max",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":2,\"step\":0,\"value\":1}]} | knobs[0].step",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":2,\"step\":1,\"value\":5}]} | knobs[0].value",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":2,\"step\":1,\"value\":1.5}]} | knobs[0].value",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":2,\"step\":1}]} | knobs[0].value",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":1e999,\"step\":1,\"value\":1}]} | knobs[0].max",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"max\":2,\"step\":1,\"value\":1,\"x\":1}]} | knobs[0].x",
        "{\"knobs\":[{\"name\":\"a\",\"min\":1,\"min\":1,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].min",
        "{\"knobs\":[{\"name\":\"a\",\"choices\":[],\"value\":\"x\"}]} | knobs[0].choices",
        "{\"knobs\":[{\"name\":\"a\",\"choices\":[\"x\",\"x\"],\"value\":\"x\"}]} | knobs[0].choices[1]",
        "{\"knobs\":[{\"name\":\"a\",\"choices\":[\"x\"],\"value\":\"y\"}]} | knobs[0].value",
        "{\"knobs\":[{\"name\":\"a\",\"choices\":[\"x\"],\"step\":1,\"value\":\"x\"}]} | knobs[0].step",
        "{\"knobs\":[{\"name\":\"a\",\"choices\":[\"x\"],\"value\":\"x\"},{\"name\":\"a\",\"choices\":[\"x\"],\"value\":\"x\"}]} | knobs[1].name",
        "{\"knobs\":[],\"knobs\":[]} | knobs",
        "{\"knobs\":[{\"name\":\"a\",\"kind\":\"speed\",\"min\":1,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].kind",
        "{\"knobs\":[{\"name\":\"a\",\"kind\":\"choice\",\"min\":1,\"max\":2,\"step\":1,\"value\":1}]} | knobs[0].kind",
        "{\"knobs\":[{\"name\":\"a\",\"kind\":\"concurrency\",\"choices\":[\"x\"],\"value\":\"x\"}]} | knobs[0].kind",
        "{\"applied\":[{\"knob\":\"a\",\"value\":1}]} | applied[0].changeId",
        "{\"applied\":[{\"changeId\":\"s#1\",\"value\":1}]} | applied[0].knob",
        "{\"applied\":[{\"changeId\":\"s#1\",\"knob\":\"a\"}]} | applied[0].value",
        "{\"applied\":[{\"changeId\":\"s#1\",\"knob\":\"a\",\"value\":\"1\"}]} | applied[0].value",
        "{\"applied\":[{\"changeId\":\"s#1\",\"knob\":\"a\",\"value\":1,\"by\":2}]} | applied[0].by",
        "{\"applied\":[1]} | applied[0]",
        "{\"applied\":[]} x | body",
        "{\"applied\":[{\"changeId\":\"s#1\",\"knob\":\"a\",\"value\":1]} | applied",
      })
  void badDeclarationsAndAcknowledgementsNameTheField(String body, String field) {
    IngestKnobs.Result result = split(body);
    assertThat(result).isInstanceOf(IngestKnobs.Rejected.class);
    assertThat(((IngestKnobs.Rejected) result).field()).isEqualTo(field);
  }
}
