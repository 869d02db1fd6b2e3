package io.pipewatch.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.pipewatch.analyzer.alert.Alert;
import io.pipewatch.analyzer.alert.AlertChange;
import io.pipewatch.analyzer.alert.AlertEvent;
import io.pipewatch.analyzer.alert.AlertNews;
import io.pipewatch.analyzer.alert.AlertQuery;
import io.pipewatch.analyzer.alert.AlertSettings;
import io.pipewatch.analyzer.alert.AlertStatus;
import io.pipewatch.analyzer.alert.Channels;
import io.pipewatch.analyzer.alert.WebhookReceiver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AlertRouter actor with real channels and a real HTTP receiver, its journal in Pekko's
 * in-memory test journal (the same behavior against the real Cassandra: api's AlertJournalIT).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRouterTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The in-memory journal and the test config: every router test's actor system. */
  static Config config() {
    return PersistenceTestKitPlugin.getInstance()
        .config()
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.load("application-test"));
  }

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create(config());

  private PersistenceTestKit journal;
  private WebhookReceiver receiver;
  private String pid;

  @BeforeEach
  void setUp() {
    journal = PersistenceTestKit.create(testKit.system());
    receiver = WebhookReceiver.start();
    pid = "AlertRouter-" + UUID.randomUUID();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  private AlertSettings settings(String overrides) {
    return AlertSettings.create(
        ConfigFactory.parseString(
                "pipewatch.alerts.channels.dashboard.enabled = false\n"
                    + "pipewatch.alerts.channels.webhook.url = \""
                    + receiver.url()
                    + "\"\n"
                    + "pipewatch.alerts.channel-defaults.retry { initial-backoff = 50ms, max-backoff = 500ms }\n"
                    + "pipewatch.alerts.journal.ack-timeout = 2s\n"
                    // system alerts (a slow journal write on a loaded machine) go elsewhere
                    + "pipewatch.alerts.channels.webhook.route = [\"origin!=system\"]\n"
                    + overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  private ActorRef<AlertRouter.Command> router(AlertSettings settings) {
    return router(settings, null);
  }

  private ActorRef<AlertRouter.Command> router(
      AlertSettings settings, ActorRef<Topic.Command<AlertNews>> topic) {
    return testKit.spawn(
        AlertRouter.create(
            settings,
            new AlertRouter.Collaborators(
                Channels.create(settings, testKit.system()),
                null,
                null,
                Clock.systemUTC(),
                pid,
                topic)));
  }

  /** A fresh topic with {@code probe} subscribed (the subscription confirmed). */
  private ActorRef<Topic.Command<AlertNews>> topic(TestProbe<AlertNews> probe) {
    ActorRef<Topic.Command<AlertNews>> topic =
        testKit.spawn(Topic.create(AlertNews.class, "alerts-" + UUID.randomUUID()));
    topic.tell(Topic.subscribe(probe.getRef()));
    TestProbe<Topic.TopicStats> stats = testKit.createTestProbe();
    stats.awaitAssert(
        WAIT,
        () -> {
          topic.tell(Topic.getTopicStats(stats.getRef()));
          assertThat(stats.receiveMessage().localSubscriberCount()).isEqualTo(1);
          return null;
        });
    return topic;
  }

  /** The next lifecycle change published, skipping the router's own system alerts. */
  private static AlertChange nextChange(TestProbe<AlertNews> probe) {
    while (true) {
      AlertNews news = probe.receiveMessage(WAIT);
      if (news instanceof AlertChange c && !"system".equals(c.alert().labels().get("origin"))) {
        return c;
      }
    }
  }

  static Bottleneck bottleneck(
      String source, BottleneckKind kind, Severity severity, boolean active) {
    long now = System.currentTimeMillis();
    return new Bottleneck(
        source + "/" + kind.id() + "/1",
        source,
        kind,
        severity,
        0.9,
        0.8,
        List.of(
            new Evidence(
                kind.id() + "-saturation",
                "host_cpu_utilization_ratio",
                Dimension.CPU,
                0.99,
                0.2,
                0.85,
                0.9,
                7.5)),
        now,
        now,
        active ? 0 : now,
        -1);
  }

  private static AlertRouter.AnalysisAlert detected(String source, Severity severity) {
    return new AlertRouter.AnalysisAlert(
        new BottleneckAnalyzer.BottleneckDetected(
            bottleneck(source, BottleneckKind.CPU, severity, true)));
  }

  private AlertQuery.Page list(ActorRef<AlertRouter.Command> router) {
    TestProbe<AlertQuery.Page> probe = testKit.createTestProbe();
    router.tell(
        new AlertRouter.ListAlerts(new AlertQuery(null, null, null, 0, 0, 1000), probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private void awaitAccepted(int n) {
    testKit
        .createTestProbe()
        .awaitAssert(
            WAIT,
            Duration.ofMillis(20),
            () -> {
              assertThat(receiver.accepted()).hasSize(n);
              return null;
            });
  }

  @Test
  void aBottleneckReachesTheWebhookFieldByField() {
    ActorRef<AlertRouter.Command> router = router(settings(""));
    router.tell(detected("host/node-1", Severity.CRITICAL));

    awaitAccepted(1);
    WebhookReceiver.Request request = receiver.accepted().get(0);
    JsonNode body = request.body();
    assertThat(request.contentType()).isEqualTo("application/json");
    assertThat(body.get("id").asText()).isEqualTo(request.idempotencyKey());
    assertThat(body.get("channel").asText()).isEqualTo("webhook");
    assertThat(body.get("kind").asText()).isEqualTo("firing");
    assertThat(body.get("subject").asText()).isEqualTo("[CRITICAL] CPU bottleneck on host/node-1");
    assertThat(Instant.parse(body.get("createdAt").asText())).isNotNull();
    assertThat(body.get("alerts")).hasSize(1);
    JsonNode alert = body.get("alerts").get(0);
    assertThat(alert.get("fingerprint").asText())
        .isEqualTo("bottleneck/host/node-1/cpu/cpu-saturation");
    assertThat(alert.get("status").asText()).isEqualTo("firing");
    assertThat(alert.get("severity").asText()).isEqualTo("critical");
    assertThat(alert.get("title").asText()).isEqualTo("CPU bottleneck on host/node-1");
    assertThat(alert.get("description").asText()).contains("impact 90 %", "confidence 80 %");
    assertThat(alert.get("labels").get("source").asText()).isEqualTo("host/node-1");
    assertThat(alert.get("labels").get("kind").asText()).isEqualTo("cpu");
    assertThat(alert.get("labels").get("origin").asText()).isEqualTo("bottleneck");
    assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("cpu-bottleneck");
    assertThat(alert.get("evidence").get(0).asText())
        .startsWith("cpu-saturation: host_cpu_utilization_ratio (cpu) = 0.9900");
    assertThat(alert.get("sources").get(0).asText()).isEqualTo("host/node-1");
    assertThat(alert.get("endsAt").isNull()).isTrue();
    assertThat(body.get("suppressedCount").asInt()).isZero();

    AlertQuery.Page page = list(router);
    assertThat(page.total()).isEqualTo(1);
    Alert stored = page.alerts().get(0);
    assertThat(stored.id()).isEqualTo(alert.get("id").asText());
    assertThat(stored.status()).isEqualTo(AlertStatus.FIRING);

    // the notification log says where it went
    TestProbe<AlertRouter.Found> found = testKit.createTestProbe();
    found.awaitAssert(
        WAIT,
        () -> {
          router.tell(new AlertRouter.GetAlert(stored.id(), found.getRef()));
          assertThat(found.receiveMessage().alert().notifications())
              .extracting(Alert.LogEntry::channel, Alert.LogEntry::outcome)
              .contains(
                  org.assertj.core.groups.Tuple.tuple("webhook", "sent"),
                  org.assertj.core.groups.Tuple.tuple("log", "sent"));
          return null;
        });

    // resolved by the analyzer: one resolution
    router.tell(
        new AlertRouter.AnalysisAlert(
            new BottleneckAnalyzer.BottleneckResolved(
                bottleneck("host/node-1", BottleneckKind.CPU, Severity.CRITICAL, false))));
    awaitAccepted(2);
    JsonNode resolved = receiver.accepted().get(1).body();
    assertThat(resolved.get("kind").asText()).isEqualTo("resolved");
    assertThat(resolved.get("alerts").get(0).get("status").asText()).isEqualTo("resolved");
    assertThat(Instant.parse(resolved.get("alerts").get(0).get("endsAt").asText())).isNotNull();
  }

  /** Alertmanager's documented webhook payload (version 4): exactly these fields, these types. */
  private static void assertAlertmanagerSchema(JsonNode body) {
    assertThat(fieldNames(body))
        .containsExactlyInAnyOrder(
            "version",
            "groupKey",
            "truncatedAlerts",
            "status",
            "receiver",
            "groupLabels",
            "commonLabels",
            "commonAnnotations",
            "externalURL",
            "alerts");
    assertThat(body.get("version").isTextual()).isTrue();
    assertThat(body.get("version").asText()).isEqualTo("4");
    assertThat(body.get("groupKey").isTextual()).isTrue();
    assertThat(body.get("truncatedAlerts").isInt()).isTrue();
    assertThat(body.get("status").asText()).isIn("firing", "resolved");
    assertThat(body.get("receiver").isTextual()).isTrue();
    for (String map : List.of("groupLabels", "commonLabels", "commonAnnotations")) {
      assertThat(body.get(map).isObject()).as(map).isTrue();
      body.get(map).fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).isTrue());
    }
    assertThat(body.get("externalURL").isTextual()).isTrue();
    assertThat(body.get("alerts").isArray()).isTrue();
    for (JsonNode a : body.get("alerts")) {
      assertThat(fieldNames(a))
          .containsExactlyInAnyOrder(
              "status",
              "labels",
              "annotations",
              "startsAt",
              "endsAt",
              "generatorURL",
              "fingerprint");
      assertThat(a.get("status").asText()).isIn("firing", "resolved");
      assertThat(a.get("labels").isObject()).isTrue();
      assertThat(a.get("labels").has("alertname")).isTrue();
      a.get("labels").fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).isTrue());
      assertThat(a.get("annotations").isObject()).isTrue();
      Instant.parse(a.get("startsAt").asText());
      Instant.parse(a.get("endsAt").asText());
      assertThat(a.get("generatorURL").isTextual()).isTrue();
      assertThat(a.get("fingerprint").isTextual()).isTrue();
    }
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void theAlertmanagerFormatFollowsItsDocumentedSchema() {
    ActorRef<AlertRouter.Command> router =
        router(settings("pipewatch.alerts.channels.webhook.format = alertmanager"));
    router.tell(detected("svc-a", Severity.CRITICAL));
    awaitAccepted(1);
    JsonNode firing = receiver.accepted().get(0).body();
    assertAlertmanagerSchema(firing);
    assertThat(firing.get("status").asText()).isEqualTo("firing");
    assertThat(firing.get("receiver").asText()).isEqualTo("webhook");
    assertThat(firing.get("groupLabels").get("source").asText()).isEqualTo("svc-a");
    JsonNode alert = firing.get("alerts").get(0);
    assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
    assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("cpu-bottleneck");
    assertThat(alert.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(alert.get("annotations").get("summary").asText())
        .isEqualTo("CPU bottleneck on svc-a");
    assertThat(alert.get("generatorURL").asText()).startsWith("http://localhost:8080/api/alerts/");
    assertThat(firing.get("commonLabels").get("source").asText()).isEqualTo("svc-a");

    router.tell(
        new AlertRouter.AnalysisAlert(
            new BottleneckAnalyzer.BottleneckResolved(
                bottleneck("svc-a", BottleneckKind.CPU, Severity.CRITICAL, false))));
    awaitAccepted(2);
    JsonNode resolved = receiver.accepted().get(1).body();
    assertAlertmanagerSchema(resolved);
    assertThat(resolved.get("status").asText()).isEqualTo("resolved");
    JsonNode r = resolved.get("alerts").get(0);
    assertThat(Instant.parse(r.get("endsAt").asText()))
        .isAfterOrEqualTo(Instant.parse(r.get("startsAt").asText()));
  }

  @Test
  void aReceiverDownThenBackGetsEveryNotificationOnce() {
    ActorRef<AlertRouter.Command> router = router(settings(""));
    receiver.stop(); // refusing connections
    for (int i = 0; i < 5; i++) {
      router.tell(detected("svc-" + i, Severity.CRITICAL));
    }
    // refused three times in a row: the channel is failing (a system alert, sent elsewhere)
    TestProbe<AlertQuery.Page> pages = testKit.createTestProbe();
    pages.awaitAssert(
        WAIT,
        () -> {
          assertThat(list(router).alerts())
              .extracting(Alert::fingerprint)
              .contains("system/channel-failing/webhook");
          return null;
        });

    // back, but busy for its first three requests: 503 with Retry-After
    receiver.answer(
        n -> n <= 3 ? new WebhookReceiver.Answer(503, "1") : WebhookReceiver.Answer.ok());
    receiver.restart();
    awaitAccepted(5);

    List<String> keys =
        receiver.accepted().stream().map(WebhookReceiver.Request::idempotencyKey).toList();
    assertThat(new HashSet<>(keys)).hasSize(5);
    assertThat(
            receiver.accepted().stream()
                .map(r -> r.body().get("alerts").get(0).get("labels").get("source").asText())
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("svc-0", "svc-1", "svc-2", "svc-3", "svc-4");
    // the refused ones were retries of the same notifications (same keys)
    assertThat(
            receiver.requests().stream()
                .filter(r -> r.answered() == 503)
                .map(WebhookReceiver.Request::idempotencyKey))
        .isNotEmpty()
        .allSatisfy(k -> assertThat(keys).contains(k));
    // and the channel works again: the system alert resolves
    pages.awaitAssert(
        WAIT,
        () -> {
          assertThat(list(router).alerts())
              .filteredOn(a -> a.fingerprint().equals("system/channel-failing/webhook"))
              .extracting(Alert::status)
              .containsExactly(AlertStatus.RESOLVED);
          return null;
        });
    // nothing else arrives later (a retry would be a duplicate)
    router.tell(detected("svc-last", Severity.CRITICAL));
    awaitAccepted(6);
  }

  @Test
  void withTheJournalFailingAlertsStillFlowAndASystemAlertSaysSo() {
    TestProbe<AlertNews> news = testKit.createTestProbe();
    ActorRef<AlertRouter.Command> router = router(settings(""), topic(news));
    // make sure it has started (recovered) before the journal fails
    assertThat(list(router).total()).isZero();
    journal.failNextNPersisted(pid, 4);
    router.tell(detected("svc-x", Severity.CRITICAL));

    awaitAccepted(1);
    assertThat(
            receiver
                .accepted()
                .get(0)
                .body()
                .get("alerts")
                .get(0)
                .get("labels")
                .get("source")
                .asText())
        .isEqualTo("svc-x");
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        WAIT,
        () -> {
          List<Alert> alerts = list(router).alerts();
          assertThat(alerts)
              .filteredOn(a -> a.fingerprint().equals("system/journal-down"))
              .extracting(Alert::status)
              .containsExactly(AlertStatus.RESOLVED);
          return null;
        });
    // once back, the state is in the journal after all
    probe.awaitAssert(
        WAIT,
        () -> {
          assertThat(journal.persistedInStorage(pid))
              .anySatisfy(
                  e ->
                      assertThat(e)
                          .isInstanceOfSatisfying(
                              AlertEvent.AlertRecorded.class,
                              r -> assertThat(r.alert().source()).isEqualTo("svc-x")));
          return null;
        });
    // its step was published while the journal was down, and not again when the batch was written:
    // the next step of svc-x published is the acknowledge
    AlertChange fired = nextChange(news);
    assertThat(fired.step()).isEqualTo(AlertChange.Step.FIRED);
    assertThat(fired.alert().source()).isEqualTo("svc-x");
    TestProbe<AlertRouter.Changed> changed = testKit.createTestProbe();
    router.tell(new AlertRouter.Acknowledge(fired.alert().id(), "ana", null, changed.getRef()));
    changed.receiveMessage(WAIT);
    AlertChange acked = nextChange(news);
    assertThat(acked.step()).isEqualTo(AlertChange.Step.ACKNOWLEDGED);
    assertThat(acked.alert().id()).isEqualTo(fired.alert().id());
  }

  @Test
  void changesBehindAStalledWriteArePublishedInTheOrderTheyHappened() throws Exception {
    TestProbe<AlertNews> news = testKit.createTestProbe();
    ActorRef<AlertRouter.Command> router =
        router(settings("pipewatch.alerts.journal.ack-timeout = 500ms\n"), topic(news));
    assertThat(list(router).total()).isZero();
    CountDownLatch stall = new CountDownLatch(1);
    journal.withPolicy(
        (persistenceId, operation) -> {
          if (persistenceId.equals(pid) && operation instanceof WriteEvents) {
            try {
              stall.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return ProcessingSuccess.getInstance();
        });
    try {
      // svc-0's write never confirms; the others wait behind it until the router gives up on it
      List<String> sources = List.of("svc-0", "svc-1", "svc-2", "svc-3", "svc-4", "svc-5");
      sources.forEach(source -> router.tell(detected(source, Severity.CRITICAL)));
      List<String> fired = new ArrayList<>();
      for (int i = 0; i < sources.size(); i++) {
        AlertChange change = nextChange(news);
        assertThat(change.step()).isEqualTo(AlertChange.Step.FIRED);
        fired.add(change.alert().source());
      }
      assertThat(fired).containsExactlyElementsOf(sources);
    } finally {
      stall.countDown();
      journal.resetPolicy();
    }
  }

  @Test
  void aRestartedRouterHasItsAlertsAndDeliversWhatWasLeftOnce() {
    AlertSettings settings = settings("");
    ActorRef<AlertRouter.Command> first = router(settings);
    first.tell(detected("svc-a", Severity.CRITICAL));
    first.tell(detected("svc-b", Severity.CRITICAL));
    awaitAccepted(2);
    String acked =
        list(first).alerts().stream()
            .filter(a -> a.source().equals("svc-a"))
            .findFirst()
            .orElseThrow()
            .id();
    TestProbe<AlertRouter.Changed> changed = testKit.createTestProbe();
    first.tell(new AlertRouter.Acknowledge(acked, "ana", "looking", changed.getRef()));
    assertThat(changed.receiveMessage(WAIT).alert().status()).isEqualTo(AlertStatus.ACKNOWLEDGED);

    // the receiver goes away; a third alert is queued but cannot be delivered
    receiver.stop();
    first.tell(detected("svc-c", Severity.CRITICAL));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        WAIT,
        () -> {
          assertThat(journal.persistedInStorage(pid))
              .anySatisfy(
                  e ->
                      assertThat(e)
                          .isInstanceOfSatisfying(
                              AlertEvent.NotificationQueued.class,
                              q ->
                                  assertThat(q.notification().alerts().get(0).source())
                                      .isEqualTo("svc-c")));
          return null;
        });
    List<Alert> before = list(first).alerts();
    testKit.stop(first, WAIT);

    receiver.restart();
    ActorRef<AlertRouter.Command> second = router(settings);
    List<Alert> after = list(second).alerts();
    Map<String, AlertStatus> statusBefore =
        before.stream().collect(Collectors.toMap(Alert::id, Alert::status));
    Map<String, AlertStatus> statusAfter =
        after.stream().collect(Collectors.toMap(Alert::id, Alert::status));
    // everything the first router had, as it was; anything newer is the router's own alert about
    // the channel failing since the receiver went away, raised after the list above was taken
    assertThat(statusAfter).containsAllEntriesOf(statusBefore);
    assertThat(after)
        .filteredOn(a -> !statusBefore.containsKey(a.id()))
        .allSatisfy(a -> assertThat(a.labels()).containsEntry("origin", "system"));
    assertThat(statusAfter).containsEntry(acked, AlertStatus.ACKNOWLEDGED);
    assertThat(after)
        .filteredOn(a -> a.labels().get("origin").equals("bottleneck"))
        .extracting(Alert::status)
        .containsOnly(AlertStatus.FIRING, AlertStatus.ACKNOWLEDGED)
        .hasSize(3);

    // what was left is delivered; nothing delivered before is sent again
    awaitAccepted(3);
    second.tell(detected("svc-d", Severity.CRITICAL));
    awaitAccepted(4);
    List<String> sources = new ArrayList<>();
    for (WebhookReceiver.Request r : receiver.accepted()) {
      sources.add(r.body().get("alerts").get(0).get("labels").get("source").asText());
    }
    assertThat(sources.subList(0, 2)).containsExactlyInAnyOrder("svc-a", "svc-b");
    assertThat(sources.subList(2, 4)).containsExactly("svc-c", "svc-d");
    // a repeat of a firing fingerprint after the restart is an update, not a new notification
    second.tell(detected("svc-b", Severity.CRITICAL));
    second.tell(detected("svc-e", Severity.CRITICAL));
    awaitAccepted(5);
    Iterator<WebhookReceiver.Request> it = receiver.accepted().iterator();
    WebhookReceiver.Request last = null;
    while (it.hasNext()) {
      last = it.next();
    }
    assertThat(last.body().get("alerts").get(0).get("labels").get("source").asText())
        .isEqualTo("svc-e");
  }

  @Test
  void eachLifecycleStepIsPublishedOnceAfterItIsWrittenAndRecoveryPublishesNothing() {
    TestProbe<AlertNews> news = testKit.createTestProbe();
    ActorRef<Topic.Command<AlertNews>> topic = topic(news);
    AlertSettings settings = settings("");
    ActorRef<AlertRouter.Command> first = router(settings, topic);
    first.tell(detected("svc-a", Severity.CRITICAL));

    AlertChange fired = nextChange(news);
    assertThat(fired.step()).isEqualTo(AlertChange.Step.FIRED);
    assertThat(fired.alert().source()).isEqualTo("svc-a");
    assertThat(fired.alert().status()).isEqualTo(AlertStatus.FIRING);
    // published after it was written: the journal already holds it
    assertThat(journal.persistedInStorage(pid))
        .anySatisfy(e -> assertThat(e).isEqualTo(new AlertEvent.AlertRecorded(fired.alert())));
    String id = fired.alert().id();
    awaitAccepted(1); // the webhook's delivery is logged on the alert: bookkeeping, not a step

    TestProbe<AlertRouter.Changed> changed = testKit.createTestProbe();
    first.tell(new AlertRouter.Acknowledge(id, "ana", "looking", changed.getRef()));
    changed.receiveMessage(WAIT);
    AlertChange acked = nextChange(news);
    assertThat(acked.step()).isEqualTo(AlertChange.Step.ACKNOWLEDGED);
    assertThat(acked.alert().id()).isEqualTo(id);
    assertThat(acked.alert().acknowledgement().by()).isEqualTo("ana");

    // a second acknowledge changes nothing; the resolve that follows is the very next step
    first.tell(new AlertRouter.Acknowledge(id, "ana", "again", changed.getRef()));
    changed.receiveMessage(WAIT);
    first.tell(new AlertRouter.Resolve(id, "ana", "fixed", changed.getRef()));
    changed.receiveMessage(WAIT);
    AlertChange resolved = nextChange(news);
    assertThat(resolved.step()).isEqualTo(AlertChange.Step.RESOLVED);
    assertThat(resolved.alert().id()).isEqualTo(id);
    assertThat(resolved.alert().status()).isEqualTo(AlertStatus.RESOLVED);
    testKit.stop(first, WAIT);

    // a restarted router recovers svc-a silently: the first thing it publishes is svc-b firing
    ActorRef<AlertRouter.Command> second = router(settings, topic);
    assertThat(list(second).alerts()).extracting(Alert::id).contains(id);
    second.tell(detected("svc-b", Severity.WARNING));
    AlertChange next = nextChange(news);
    assertThat(next.step()).isEqualTo(AlertChange.Step.FIRED);
    assertThat(next.alert().source()).isEqualTo("svc-b");
  }

  @Test
  void aTestAlertGoesThroughRouting() {
    ActorRef<AlertRouter.Command> router = router(settings(""));
    TestProbe<Alert> reply = testKit.createTestProbe();
    router.tell(new AlertRouter.RaiseTest(null, "webhook", "hello", reply.getRef()));
    Alert alert = reply.receiveMessage(WAIT);
    assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(alert.labels()).containsEntry("origin", "test");
    awaitAccepted(1);
    assertThat(receiver.accepted().get(0).body().get("alerts").get(0).get("description").asText())
        .isEqualTo("hello");
  }
}
