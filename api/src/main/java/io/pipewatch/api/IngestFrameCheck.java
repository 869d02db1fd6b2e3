package io.pipewatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import io.pipewatch.collector.Collector;
import io.pipewatch.collector.Sample;
import io.pipewatch.collector.ingest.IngestDecoder;
import io.pipewatch.collector.ingest.IngestSettings;
import io.pipewatch.collector.settings.InvalidSettingException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

/**
 * Start-up check that the largest batch {@code POST /api/ingest} accepts can reach a Collector on
 * another node: sharding sends it there as one Artery message, and Artery drops (after the HTTP
 * answer, if it were sent first) any message over {@code
 * pekko.remote.artery.advanced.maximum-frame-size}.
 *
 * <p>The bound: the body is at most {@code max-body-bytes} and holds at most {@code max-samples}
 * samples. A sample's serialized form (Jackson CBOR, as {@code CborSerializable} messages travel)
 * is largest relative to its JSON for the shortest samples (field names and 8-byte numbers that
 * cost a byte of JSON), so for each kind the check serializes {@code min(max-samples, body /
 * shortest JSON)} of its shortest sample, adds the rest of the body one for one (longer names and
 * labels serialize to no more than their JSON), and adds the envelope: the source id twice (batch
 * and sharding envelope, 3 bytes per character at most), the reply address and Artery's header
 * ({@link #ENVELOPE_BYTES}).
 */
final class IngestFrameCheck {

  static final String FRAME_KEY = "pekko.remote.artery.advanced.maximum-frame-size";

  /** Reply address, client, manifests and Artery's own header, with room to spare. */
  static final int ENVELOPE_BYTES = 4096;

  /** The shortest JSON sample of each kind (names of one character, numbers of one digit). */
  private static final String[] SHORTEST = {
    "{\"name\":\"a\",\"kind\":\"gauge\",\"value\":0}",
    "{\"name\":\"a\",\"kind\":\"counter\",\"value\":0}",
    "{\"name\":\"a\",\"kind\":\"timer\",\"count\":0,\"sum\":0}",
    "{\"name\":\"a\",\"kind\":\"histogram\",\"count\":0,\"sum\":0}",
    "{\"name\":\"a\",\"kind\":\"timer\",\"count\":1,\"sum\":0,"
        + "\"quantiles\":{\"0.5\":0,\"0.9\":0,\"0.95\":0,\"0.99\":0},\"max\":0}",
  };

  private IngestFrameCheck() {}

  /** Throws {@link InvalidSettingException} (one line) when a maximum batch would not fit. */
  static void check(IngestSettings ingest, Config config) {
    long frame = config.getBytes(FRAME_KEY);
    long needed = neededFrameBytes(ingest);
    if (needed > frame) {
      throw new InvalidSettingException(
          FRAME_KEY,
          "at least "
              + needed
              + " bytes, so that a maximum ingest batch (pipewatch.collector.ingest.max-body-bytes"
              + " = "
              + ingest.maxBodyBytes()
              + ", max-samples = "
              + ingest.maxSamples()
              + ") can reach a Collector on another node; raise it or lower those",
          frame);
    }
  }

  /** The largest Artery frame a batch within {@code ingest}'s limits may need. */
  static long neededFrameBytes(IngestSettings ingest) {
    ObjectMapper cbor = new CBORMapper();
    IngestDecoder decoder = IngestDecoder.create(ingest);
    String envelope = "{\"source\":\"s\",\"timestamp\":1000000000000,\"samples\":[]}";
    long budget = ingest.maxBodyBytes() - envelope.length();
    long worst = 0;
    for (String json : SHORTEST) {
      Sample sample = decode(decoder, json);
      long jsonBytes = json.getBytes(StandardCharsets.UTF_8).length + 1; // and a comma
      int n = (int) Math.max(0, Math.min(ingest.maxSamples(), budget / jsonBytes));
      Collector.Ingest batch =
          new Collector.Ingest("s", 1_000_000_000_000L, Collections.nCopies(n, sample));
      long bytes;
      try {
        bytes = cbor.writeValueAsBytes(batch).length;
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialize an ingest batch", e);
      }
      worst = Math.max(worst, bytes + Math.max(0, budget - n * jsonBytes));
    }
    return worst + 2L * 3 * ingest.maxSourceLength() + ENVELOPE_BYTES;
  }

  private static Sample decode(IngestDecoder decoder, String json) {
    String body = "{\"source\":\"s\",\"samples\":[" + json + "]}";
    IngestDecoder.DecodeResult result =
        decoder.decode(body.getBytes(StandardCharsets.UTF_8), 1_000_000_000_000L);
    if (result instanceof IngestDecoder.Accepted accepted) {
      return accepted.ingest().samples().get(0);
    }
    throw new IllegalStateException("shortest sample refused: " + result);
  }
}
