package io.pipewatch.collector.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcParsersTest {

  private static ByteScanner scan(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    return new ByteScanner().reset(bytes, bytes.length);
  }

  @Test
  void readsTheAggregateCpuLineAndCounters() {
    long[] out = new long[ProcParsers.STAT_FIELDS];
    boolean ok =
        ProcParsers.parseStat(
            scan(
                "cpu  10 1 20 300 4 5 6 7 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 99 1 2\n"
                    + "ctxt 1234\nbtime 1\nprocs_running 3\nprocs_blocked 1\n"),
            out);
    assertThat(ok).isTrue();
    assertThat(out).containsExactly(10, 1, 20, 300, 4, 5, 6, 7, 1234, 99, 3, 1);
  }

  @Test
  void oldKernelsWithFewerCpuFieldsStillParse() {
    long[] out = new long[ProcParsers.STAT_FIELDS];
    assertThat(ProcParsers.parseStat(scan("cpu  10 1 20 300\n"), out)).isTrue();
    assertThat(out[ProcParsers.IDLE]).isEqualTo(300);
    assertThat(out[ProcParsers.STEAL]).isZero();
    assertThat(ProcParsers.parseStat(scan("garbage\n"), out)).isFalse();
  }

  @Test
  void readsKeyedFilesAndDecimals() {
    long[] out = {-1, -1};
    int found =
        ProcParsers.parseKeyed(
            scan("MemTotal:       2048 kB\nMemTotalX: 1 kB\nMemAvailable:   1024 kB\n"),
            ByteScanner.names("MemTotal", "MemAvailable"),
            out);
    assertThat(found).isEqualTo(2);
    assertThat(out).containsExactly(2048, 1024);
    double[] load = new double[3];
    assertThat(ProcParsers.parseLoadavg(scan("0.08 12.25 3.5 1/89 8071\n"), load)).isTrue();
    assertThat(load).containsExactly(0.08, 12.25, 3.5);
  }

  @Test
  void readsCgroupLimits() {
    long[] pair = new long[2];
    assertThat(ProcParsers.parseCpuMax(scan("max 100000\n"), pair)).isTrue();
    assertThat(pair).containsExactly(-1, 100000);
    assertThat(ProcParsers.parseCpuMax(scan("250000 100000\n"), pair)).isTrue();
    assertThat(pair).containsExactly(250000, 100000);
    assertThat(ProcParsers.parseCgroupValue(scan("max\n"))).isEqualTo(-1);
    assertThat(ProcParsers.parseCgroupValue(scan("-1\n"))).isEqualTo(-1);
    assertThat(ProcParsers.parseCgroupValue(scan("4096\n"))).isEqualTo(4096);
  }

  @Test
  void readsSockstatAndNetDevWithoutSpaceAfterTheColon() {
    assertThat(
            ProcParsers.parseSockstatInUse(
                scan("sockets: used 9\nTCP: inuse 5 orphan 0 tw 2\n"), ProcParsers.bytes("TCP:")))
        .isEqualTo(5);
    long[] out = new long[ProcParsers.NET_FIELDS];
    int found =
        ProcParsers.parseNetDev(
            scan(
                "h1\nh2\n  eth0:1234567890 10 1 2 0 0 0 0 55 6 3 4 0 0 0 0\n"
                    + "    lo: 9 9 9 9 0 0 0 0 9 9 9 9 0 0 0 0\n"),
            ByteScanner.names("eth0"),
            out);
    assertThat(found).isEqualTo(1);
    assertThat(out).containsExactly(1234567890, 10, 1, 2, 55, 6, 3, 4);
  }
}
