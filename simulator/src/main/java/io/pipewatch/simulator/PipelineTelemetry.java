package io.pipewatch.simulator;

import io.pipewatch.collector.agent.Agent;
import io.pipewatch.collector.agent.Counter;
import io.pipewatch.collector.agent.Gauge;
import io.pipewatch.collector.agent.Timer;

/** The metric handles of the pipeline as a whole, resolved once from the pipeline's agent. */
final class PipelineTelemetry {
  final Counter completed;
  final Counter failed;
  final Timer endToEnd;
  final Gauge errorRatio;
  final Gauge health;

  PipelineTelemetry(Agent agent, String pipeline) {
    completed = agent.counter("pipeline_documents_completed_total", "pipeline", pipeline);
    failed = agent.counter("pipeline_documents_failed_total", "pipeline", pipeline);
    endToEnd = agent.timer("pipeline_end_to_end_latency_seconds", "pipeline", pipeline);
    errorRatio = agent.gauge("pipeline_error_ratio", "pipeline", pipeline);
    health = agent.gauge("pipeline_health_score", "pipeline", pipeline);
  }
}
