package io.pipewatch.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.pipewatch.collector.HistogramValue;
import io.pipewatch.collector.MetricKind;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestDecoder.Accepted;
import io.pipewatch.collector.ingest.IngestDecoder.DecodeResult;
import io.pipewatch.collector.ingest.IngestDecoder.Rejected;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestDecoderTest {

  private static final long NOW = 1_732_350_000_000L;
  private final IngestDecoder decoder = IngestDecoder.create(IngestSettings.defaults());

  private static IngestSettings settings(int maxBody, int maxSamples) {
    return new IngestSettings(
        maxBody, maxSamples, 1, 256, 1024, 256, Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  @ParameterizedTest(name = "now {0} ms: accepted {1}")
  @CsvSource({"-10000, true", "-10001, false", "60000, true", "60001, false", "0, true"})
  void aTimestampIsAcceptedFromReorderWindowBeforeNowToMaxClockSkewAfter(
      long offset, boolean accepted) {
    DecodeResult result = decode("{'source':'s','timestamp':" + (NOW + offset) + ",'samples':[]}");
    if (accepted) {
      assertThat(result).isInstanceOf(Accepted.class);
      assertThat(((Accepted) result).ingest().timestampMillis()).isEqualTo(NOW + offset);
    } else {
      assertThat(result)
          .isInstanceOfSatisfying(
              Rejected.class, r -> assertThat(r.field()).isEqualTo("timestamp"));
    }
  }

  private DecodeResult decode(String json) {
    return decoder.decode(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), NOW);
  }

  @Test
  void referenceConfHoldsTheDefaults() {
    assertThat(IngestSettings.create(ConfigFactory.load())).isEqualTo(IngestSettings.defaults());
  }

  @Test
  void acceptsEveryKind() {
    DecodeResult result =
        decode(
            "{'source':'svc-a','timestamp':1732350000123,'samples':["
                + "{'name':'docs_processed_total','labels':{'stage':'parse'},'kind':'counter','value':123},"
                + "{'name':'queue_depth','kind':'gauge','value':-1.5e2},"
                + "{'name':'latency_seconds','kind':'histogram','count':10,'sum':1.5,"
                + "'quantiles':{'0.5':0.1,'0.9':0.2,'0.95':0.25,'0.99':0.3},'max':0.4},"
                + "{'kind':'timer','name':'idle_ns','count':0,'sum':0}]}");
    assertThat(result).isInstanceOf(Accepted.class);
    var ingest = ((Accepted) result).ingest();
    assertThat(ingest.sourceId()).isEqualTo("svc-a");
    assertThat(ingest.timestampMillis()).isEqualTo(1732350000123L);
    assertThat(ingest.samples())
        .containsExactly(
            Sample.counter("docs_processed_total", Map.of("stage", "parse"), 123),
            Sample.gauge("queue_depth", Map.of(), -150),
            new Sample(
                "latency_seconds",
                Map.of(),
                MetricKind.HISTOGRAM,
                10,
                new HistogramValue(10, 1.5, 0.1, 0.2, 0.25, 0.3, 0.4)),
            new Sample(
                "idle_ns", Map.of(), MetricKind.TIMER, 0, new HistogramValue(0, 0, 0, 0, 0, 0, 0)));
  }

  @Test
  void missingTimestampMeansTimeOfReceipt() {
    var result = (Accepted) decode("{'samples':[],'source':'s'}");
    assertThat(result.ingest().timestampMillis()).isEqualTo(NOW);
    assertThat(result.ingest().samples()).isEmpty();
  }

  @Test
  void aSampleMayDeclareItsRoleAndUnit() {
    var result =
        (Accepted)
            decode(
                "{'source':'s','samples':[{'name':'jobs_out','kind':'counter','value':3,"
                    + "'role':'Throughput','unit':'1'},{'name':'lag','kind':'gauge','value':1}]}");
    assertThat(result.ingest().samples().get(0).role()).isEqualTo("throughput");
    assertThat(result.ingest().samples().get(0).unit()).isEqualTo("1");
    assertThat(result.ingest().samples().get(1).role()).isNull();
  }

  @Test
  void anUnknownRoleIsRefusedWithItsPath() {
    var result =
        (Rejected)
            decode(
                "{'source':'s','samples':[{'name':'a','kind':'gauge','value':1,'role':'speed'}]}");
    assertThat(result.field()).isEqualTo("samples[0].role");
    assertThat(result.message()).contains("unknown role 'speed'").contains("queue-length");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "empty body                |                                                    | body | empty body",
        "not JSON                  | hello                                              | body | malformed JSON",
        "array at the root         | []                                                 | body | expected a JSON object",
        "truncated                 | {'source':'s','samples':[{'name':'a'              | samples[0] | malformed JSON",
        "trailing garbage          | {'source':'s','samples':[]} x                      | body | malformed JSON",
        "second document           | {'source':'s','samples':[]} {}                     | body | after the closing",
        "missing source            | {'samples':[]}                                     | source | missing",
        "blank source              | {'source':'  ','samples':[]}                       | source | blank",
        "padded source             | {'source':' a','samples':[]}                       | source | white space",
        "numeric source            | {'source':3,'samples':[]}                          | source | must be a string",
        "null source               | {'source':null,'samples':[]}                       | source | must be a string",
        "missing samples           | {'source':'s'}                                     | samples | missing",
        "samples not an array      | {'source':'s','samples':{}}                        | samples | must be an array",
        "unknown top-level field   | {'source':'s','samples':[],'extra':1}              | extra | unknown field",
        "empty field name          | {'source':'s','samples':[],'':1}                   | \"\" | unknown field",
        "repeated source           | {'source':'s','source':'t','samples':[]}           | source | repeated",
        "timestamp as string       | {'source':'s','timestamp':'1','samples':[]}        | timestamp | whole number",
        "timestamp fraction        | {'source':'s','timestamp':1.5,'samples':[]}        | timestamp | whole number",
        "timestamp in nanoseconds  | {'source':'s','timestamp':1732350000000000000,'samples':[]} | timestamp | outside",
        "timestamp in year 3000    | {'source':'s','timestamp':32503680000000,'samples':[]} | timestamp | max-clock-skew",
        "timestamp in seconds      | {'source':'s','timestamp':1732350000,'samples':[]} | timestamp | reorder-window",
        "sample not an object      | {'source':'s','samples':[1]}                       | samples[0] | must be an object",
        "unknown kind              | {'source':'s','samples':[{'name':'a','kind':'summary','value':1}]} | samples[0].kind | unknown kind",
        "kind in capitals          | {'source':'s','samples':[{'name':'a','kind':'GAUGE','value':1}]} | samples[0].kind | unknown kind",
        "missing kind              | {'source':'s','samples':[{'name':'a','value':1}]}  | samples[0].kind | missing",
        "missing name              | {'source':'s','samples':[{'kind':'gauge','value':1}]} | samples[0].name | missing",
        "bad metric name           | {'source':'s','samples':[{'name':'1abc','kind':'gauge','value':1}]} | samples[0].name | not a metric name",
        "metric name with dash     | {'source':'s','samples':[{'name':'a-b','kind':'gauge','value':1}]} | samples[0].name | not a metric name",
        "NaN literal               | {'source':'s','samples':[{'name':'a','kind':'gauge','value':NaN}]} | samples[0].value | finite",
        "Infinity literal          | {'source':'s','samples':[{'name':'a','kind':'gauge','value':-Infinity}]} | samples[0].value | finite",
        "NaN string                | {'source':'s','samples':[{'name':'a','kind':'gauge','value':'NaN'}]} | samples[0].value | finite",
        "Infinity string           | {'source':'s','samples':[{'name':'a','kind':'gauge','value':'+Inf'}]} | samples[0].value | finite",
        "overflowing literal       | {'source':'s','samples':[{'name':'a','kind':'gauge','value':1e999}]} | samples[0].value | finite",
        "numeric string            | {'source':'s','samples':[{'name':'a','kind':'gauge','value':'12'}]} | samples[0].value | not a string",
        "missing value             | {'source':'s','samples':[{'name':'a','kind':'gauge'}]} | samples[0].value | missing",
        "negative counter          | {'source':'s','samples':[{'name':'a','kind':'counter','value':-1}]} | samples[0].value | negative",
        "count on a gauge          | {'source':'s','samples':[{'name':'a','kind':'gauge','value':1,'count':2}]} | samples[0].count | not allowed",
        "unknown sample field      | {'source':'s','samples':[{'name':'a','kind':'gauge','value':1,'units':'s'}]} | samples[0].units| unknown field",
        "repeated sample field     | {'source':'s','samples':[{'name':'a','name':'b','kind':'gauge','value':1}]} | samples[0].name | repeated",
        "bad label name            | {'source':'s','samples':[{'name':'a','labels':{'a.b':'x'},'kind':'gauge','value':1}]} | samples[0].labels.a.b | not a label name",
        "reserved label name       | {'source':'s','samples':[{'name':'a','labels':{'__name__':'x'},'kind':'gauge','value':1}]} | samples[0].labels.__name__ | not a label name",
        "numeric label value       | {'source':'s','samples':[{'name':'a','labels':{'k':1},'kind':'gauge','value':1}]} | samples[0].labels.k | must be a string",
        "empty label value         | {'source':'s','samples':[{'name':'a','labels':{'k':''},'kind':'gauge','value':1}]} | samples[0].labels.k | must not be empty",
        "repeated label            | {'source':'s','samples':[{'name':'a','labels':{'k':'1','k':'2'},'kind':'gauge','value':1}]} | samples[0].labels.k | repeated label",
        "labels not an object      | {'source':'s','samples':[{'name':'a','labels':['k'],'kind':'gauge','value':1}]} | samples[0].labels | must be an object",
        "repeated series           | {'source':'s','samples':[{'name':'a','kind':'gauge','value':1},{'name':'a','kind':'counter','value':1}]} | samples[1] | samples[0]",
        "value on a histogram      | {'source':'s','samples':[{'name':'h','kind':'histogram','value':1,'count':0,'sum':0}]} | samples[0].value | not allowed",
        "histogram without sum     | {'source':'s','samples':[{'name':'h','kind':'histogram','count':0}]} | samples[0].sum | missing",
        "negative count            | {'source':'s','samples':[{'name':'h','kind':'histogram','count':-1,'sum':0}]} | samples[0].count | negative",
        "fractional count          | {'source':'s','samples':[{'name':'h','kind':'histogram','count':1.5,'sum':0}]} | samples[0].count | whole number",
        "histogram w/o quantiles   | {'source':'s','samples':[{'name':'h','kind':'histogram','count':3,'sum':1,'max':1}]} | samples[0].quantiles | missing",
        "histogram missing p99     | {'source':'s','samples':[{'name':'h','kind':'histogram','count':3,'sum':1,'max':1,'quantiles':{'0.5':1,'0.9':1,'0.95':1}}]} | samples[0].quantiles.0.99 | missing",
        "unknown quantile          | {'source':'s','samples':[{'name':'h','kind':'histogram','count':3,'sum':1,'quantiles':{'0.75':1}}]} | samples[0].quantiles.0.75 | unknown quantile",
        "NaN quantile              | {'source':'s','samples':[{'name':'h','kind':'timer','count':3,'sum':1,'quantiles':{'0.5':NaN}}]} | samples[0].quantiles.0.5 | finite",
        "decreasing quantiles      | {'source':'s','samples':[{'name':'h','kind':'histogram','count':3,'sum':1,'max':9,'quantiles':{'0.5':2,'0.9':1,'0.95':3,'0.99':4}}]} | samples[0].quantiles.0.9 | must not decrease",
        "max below p99             | {'source':'s','samples':[{'name':'h','kind':'histogram','count':3,'sum':1,'max':1,'quantiles':{'0.5':2,'0.9':2,'0.95':3,'0.99':4}}]} | samples[0].max | smaller",
        "infinite sum              | {'source':'s','samples':[{'name':'h','kind':'histogram','count':0,'sum':Infinity}]} | samples[0].sum | finite",
        "bad second sample         | {'source':'s','samples':[{'name':'a','kind':'gauge','value':1},{'name':'b','kind':'gauge','value':true}]} | samples[1].value | must be a number",
      })
  void rejectsWithTheOffendingField(String title, String json, String field, String message) {
    DecodeResult result = decode(json == null ? "" : json);
    assertThat(result).as(title).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.field()).as(title).isEqualTo(field);
    assertThat(rejected.message()).as(title).contains(message).doesNotContain("\n");
  }

  @Test
  void rejectsTooManySamplesAndLabels() {
    IngestDecoder small = IngestDecoder.create(settings(1 << 20, 2));
    StringBuilder json = new StringBuilder("{\"source\":\"s\",\"samples\":[");
    for (int i = 0; i < 3; i++) {
      json.append(i == 0 ? "" : ",").append("{\"name\":\"m").append(i);
      json.append("\",\"kind\":\"gauge\",\"value\":1}");
    }
    json.append("]}");
    assertThat(small.decode(json.toString().getBytes(StandardCharsets.UTF_8), NOW))
        .isEqualTo(new Rejected("samples", "more than 2 samples"));
    String twoLabels =
        "{\"source\":\"s\",\"samples\":[{\"name\":\"m\",\"labels\":{\"a\":\"1\",\"b\":\"2\"},"
            + "\"kind\":\"gauge\",\"value\":1}]}";
    assertThat(small.decode(twoLabels.getBytes(StandardCharsets.UTF_8), NOW))
        .isEqualTo(new Rejected("samples[0].labels.b", "more than 1 labels"));
  }

  @Test
  void rejectsBodiesAboveTheLimit() {
    IngestDecoder small = IngestDecoder.create(settings(64, 10));
    byte[] body = new byte[65];
    assertThat(small.decode(body, NOW)).isInstanceOf(Rejected.class);
    assertThat(((Rejected) small.decode(body, NOW)).message()).contains("exceeds the limit of 64");
  }

  @Test
  void rejectsInvalidUtf8AsMalformed() {
    byte[] body = {'{', '"', 's', 'o', 'u', 'r', 'c', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'};
    DecodeResult result = decoder.decode(body, NOW);
    assertThat(result).isInstanceOf(Rejected.class);
    assertThat(((Rejected) result).message()).startsWith("malformed JSON");
  }
}
