package io.pipewatch.collector.semantics;

/**
 * Kafka consumer lag: kafka_exporter's {@code kafka_consumergroup_lag} (and {@code _sum}), Burrow's
 * and the Java client's fetch-manager metric {@code records-lag-max} in any exported form ({@code
 * kafka_consumer_fetch_manager_metrics_records_lag_max}); the client's consumed records.
 */
final class KafkaConvention implements Convention {

  @Override
  public String name() {
    return "Kafka";
  }

  @Override
  public RoleMatch match(SeriesFacts s) {
    String n = s.normalized();
    if (n.startsWith("kafka_consumergroup_lag")
        || n.endsWith("records_lag_max")
        || n.endsWith("records_lag")
        || n.equals("burrow_kafka_consumer_lag_total")) {
      return role(Role.CONSUMER_LAG, Unit.COUNT, "consumer lag (records behind)");
    }
    if (n.endsWith("records_consumed_total") || n.endsWith("records_consumed_rate")) {
      return role(Role.THROUGHPUT, Unit.PER_SECOND, "records consumed");
    }
    return null;
  }
}
