package io.pipewatch.analyzer.alert;

import io.pipewatch.collector.CborSerializable;

/**
 * What the {@link AlertTopic} ("alerts") carries: a dashboard channel's {@link Notification}, or an
 * {@link AlertChange} the router publishes once the change is in its journal.
 */
public sealed interface AlertNews extends CborSerializable permits Notification, AlertChange {}
