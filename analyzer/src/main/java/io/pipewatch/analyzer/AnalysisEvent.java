package io.pipewatch.analyzer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.pipewatch.collector.CborSerializable;

/**
 * What the analyzer publishes: bottleneck lifecycle events of one source (from its {@link
 * BottleneckAnalyzer}) and fleet patterns (from the {@link FleetAnalyzer}). They go to the source's
 * optimizer, the {@link AlertRouter}, the fleet analyzer and the node's {@link AnalysisTopic}
 * ("bottlenecks"), which the {@link BottleneckBoard} and WebSocket clients read. In JSON each
 * carries {@code "type"}: {@code BottleneckDetected}, {@code BottleneckUpdated}, {@code
 * BottleneckResolved}, {@code PatternDetected}, {@code PatternUpdated}, {@code PatternResolved}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(
      value = BottleneckAnalyzer.BottleneckDetected.class,
      name = "BottleneckDetected"),
  @JsonSubTypes.Type(
      value = BottleneckAnalyzer.BottleneckUpdated.class,
      name = "BottleneckUpdated"),
  @JsonSubTypes.Type(
      value = BottleneckAnalyzer.BottleneckResolved.class,
      name = "BottleneckResolved"),
  @JsonSubTypes.Type(value = FleetAnalyzer.PatternDetected.class, name = "PatternDetected"),
  @JsonSubTypes.Type(value = FleetAnalyzer.PatternUpdated.class, name = "PatternUpdated"),
  @JsonSubTypes.Type(value = FleetAnalyzer.PatternResolved.class, name = "PatternResolved")
})
public sealed interface AnalysisEvent extends CborSerializable
    permits AnalysisEvent.BottleneckEvent, AnalysisEvent.PatternEvent {

  /** A bottleneck lifecycle event; {@link #bottleneck()} is its state after the event. */
  sealed interface BottleneckEvent extends AnalysisEvent
      permits BottleneckAnalyzer.BottleneckDetected,
          BottleneckAnalyzer.BottleneckUpdated,
          BottleneckAnalyzer.BottleneckResolved {
    Bottleneck bottleneck();
  }

  /** A pattern lifecycle event; {@link #pattern()} is its state after the event. */
  sealed interface PatternEvent extends AnalysisEvent
      permits FleetAnalyzer.PatternDetected,
          FleetAnalyzer.PatternUpdated,
          FleetAnalyzer.PatternResolved {
    FailurePattern pattern();
  }
}
