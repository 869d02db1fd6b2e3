package io.pipewatch.collector;

/**
 * Marker for every message or event that may cross a node or reach the journal: bound to Pekko's
 * Jackson CBOR serializer in {@code reference.conf}. Implement it on records only.
 */
public interface CborSerializable {}
