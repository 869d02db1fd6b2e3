package io.pipewatch.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  @Test
  void textFromTheDataIsEscapedAndChartsAreInlineSvg() throws Exception {
    ObjectNode report =
        (ObjectNode)
            JsonSupport.MAPPER.readTree(
                """
                {"range":"1h","from":"a","to":"b","generatedAt":"c",
                 "charts":[{"title":"Queue depth","unit":"items","source":"<script>x</script>",
                            "series":"q{stage=\\"p\\"}","timestamps":[0,1000,2000],
                            "values":[1,null,3]}],
                 "bottlenecks":[{"sourceId":"s","kind":"cpu","severity":"CRITICAL","impact":0.5,
                                 "confidence":0.25,"evidence":[{"rule":"cpu-high"}],
                                 "openedMillis":1}],
                 "alerts":[{"title":"<b>t</b>","severity":"WARNING","status":"firing",
                            "sources":["s"],"startsMillis":1}],
                 "alertsTotal":1,"optimizations":[]}
                """);
    String html = ReportPage.render(report);
    assertThat(html).startsWith("<!DOCTYPE html>");
    assertThat(html).doesNotContain("<script").contains("&lt;script&gt;x&lt;/script&gt;");
    assertThat(html).contains("&lt;b&gt;t&lt;/b&gt;").doesNotContain("<b>t</b>");
    assertThat(html).contains("<svg").contains("<polyline");
    // two finite points: the null one is left out
    assertThat(html).containsPattern("points=\"2\\.0,114\\.0 358\\.0,16\\.0 \"");
    assertThat(html).contains("Alerts (1 in range)").contains("cpu-high").contains("50 %");
    assertThat(html).doesNotContain("src=").doesNotContain("href=");
  }

  @Test
  void aRangeIsMinutesOrHoursUpTo24h() {
    assertThat(ReportRoutes.parseRange("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ReportRoutes.parseRange("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(ReportRoutes.parseRange("1440m")).isEqualTo(Duration.ofHours(24));
    assertThat(ReportRoutes.parseRange("25h")).isNull();
    assertThat(ReportRoutes.parseRange("0m")).isNull();
    assertThat(ReportRoutes.parseRange("1d")).isNull();
    assertThat(ReportRoutes.parseRange("")).isNull();
    assertThat(ReportRoutes.parseRange("99999h")).isNull();
  }
}
