package org.opencdp.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.identity.service.RetentionCleanup;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/** End to end through the real broker: raw events in, resolved events and merges out. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class ResolutionFlowTest {
  private final KafkaTestClient kafka = KafkaTestClient.get();

  @Inject Graph graph;
  @Inject RetentionCleanup cleanup;

  @Test
  void anonymousVisitorKeepsTheirProfileWhenTheyIdentify() {
    String ws = Events.workspace("flow");
    EventEnvelope browse = Events.track(ws, null, "anon-1");
    kafka.send(browse);
    String anonymousProfile = kafka.awaitResolved(browse).profileId();
    assertThat(anonymousProfile).isNotBlank();

    EventEnvelope identify =
        Events.identify(ws, "user-1", "anon-1", Map.of("email", "Ada@Shop.io"));
    kafka.send(identify);
    EventEnvelope later = Events.track(ws, "user-1", null);
    kafka.send(later);

    assertThat(kafka.awaitResolved(identify).profileId()).isEqualTo(anonymousProfile);
    assertThat(kafka.awaitResolved(later).profileId()).isEqualTo(anonymousProfile);
    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier("user_id", "user-1"), anonymousProfile)
        .containsEntry(new Identifier("email", "ada@shop.io"), anonymousProfile)
        .containsEntry(new Identifier("anonymous_id", "anon-1"), anonymousProfile);
    assertThat(kafka.changes(ws)).isEmpty();
  }

  @Test
  void resolvedEventIsKeyedByWorkspaceAndProfile() {
    String ws = Events.workspace("flow");
    EventEnvelope event = Events.track(ws, "user-k", null);
    kafka.send(event);
    String profile = kafka.awaitResolved(event).profileId();
    assertThat(kafka.resolvedRecords(ws))
        .singleElement()
        .satisfies(
            record -> {
              assertThat(record.key()).isEqualTo(ws + ":" + profile);
              assertThat(record.value())
                  .as("ISO-8601 timestamps, as the other services expect")
                  .contains("\"timestamp\":\"20");
            });
  }

  @Test
  void aliasMergesThePreviousIdentityIntoTheUser() {
    String ws = Events.workspace("flow");
    EventEnvelope anonymous = Events.track(ws, null, "anon-a");
    EventEnvelope known = Events.track(ws, "user-a", null);
    kafka.send(anonymous);
    kafka.send(known);
    String anonymousProfile = kafka.awaitResolved(anonymous).profileId();
    String knownProfile = kafka.awaitResolved(known).profileId();
    assertThat(anonymousProfile).isNotEqualTo(knownProfile);

    EventEnvelope alias = Events.alias(ws, "user-a", "anon-a");
    kafka.send(alias);
    String survivor = kafka.awaitResolved(alias).profileId();

    assertThat(survivor).isIn(anonymousProfile, knownProfile);
    String merged = survivor.equals(anonymousProfile) ? knownProfile : anonymousProfile;
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.changes(ws))
                    .singleElement()
                    .satisfies(
                        change -> {
                          assertThat(change.kind()).isEqualTo(IdentityChange.Kind.MERGED);
                          assertThat(change.survivorProfileId()).isEqualTo(survivor);
                          assertThat(change.mergedProfileId()).isEqualTo(merged);
                          assertThat(change.causingEventKey()).isEqualTo(alias.eventKey());
                          assertThat(change.reason()).isEqualTo("alias");
                          assertThat(change.workspaceId()).isEqualTo(ws);
                          assertThat(change.changeId()).isNotBlank();
                          assertThat(change.occurredAt()).isNotNull();
                          // Provenance: exactly the identifiers the merged profile brought.
                          assertThat(change.identifiers())
                              .containsExactly(
                                  merged.equals(knownProfile)
                                      ? new Identifier("user_id", "user-a")
                                      : new Identifier("anonymous_id", "anon-a"));
                        }));
    assertThat(kafka.changeRecords(ws).get(0).key()).isEqualTo(ws + ":" + survivor);
    assertThat(Graph.partition(graph.snapshot(ws)))
        .containsExactly(
            Graph.ids(
                List.of(
                    new Identifier("user_id", "user-a"),
                    new Identifier("anonymous_id", "anon-a"))));
  }

  @Test
  void sameUserOnTwoDevicesEndsInOneProfile() {
    String ws = Events.workspace("flow");
    EventEnvelope phone = Events.withContext(ws, null, "anon-phone", Events.device("device-phone"));
    EventEnvelope laptop = Events.track(ws, null, "anon-laptop");
    kafka.send(phone);
    kafka.send(laptop);
    kafka.awaitResolved(phone);
    kafka.awaitResolved(laptop);

    EventEnvelope loginPhone = Events.identify(ws, "user-m", "anon-phone", null);
    kafka.send(loginPhone);
    kafka.awaitResolved(loginPhone);
    EventEnvelope loginLaptop = Events.identify(ws, "user-m", "anon-laptop", null);
    kafka.send(loginLaptop);
    String profile = kafka.awaitResolved(loginLaptop).profileId();

    assertThat(graph.snapshot(ws))
        .hasSize(4)
        .allSatisfy((id, owner) -> assertThat(owner).isEqualTo(profile));
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(kafka.changes(ws)).hasSize(1));
  }

  @Test
  void externalIdsAndDeviceIdsAreIdentifiers() {
    String ws = Events.workspace("flow");
    EventEnvelope crm =
        Events.withContext(
            ws,
            null,
            "anon-x",
            Map.of(
                "externalIds",
                List.of(
                    Map.of("id", "cus_123", "type", "stripe_customer_id", "collection", "users"),
                    Map.of("id", "acct-9", "type", "account_id", "collection", "accounts"),
                    Map.of("id", "+1 (555) 010-9999", "type", "phone", "collection", "users")),
                "device",
                Map.of("id", "idfa-77")));
    kafka.send(crm);
    String profile = kafka.awaitResolved(crm).profileId();

    EventEnvelope laterByPhone =
        Events.identify(ws, null, "anon-y", Map.of("phone", "+15550109999"));
    kafka.send(laterByPhone);
    assertThat(kafka.awaitResolved(laterByPhone).profileId()).isEqualTo(profile);

    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier("stripe_customer_id", "cus_123"), profile)
        .containsEntry(new Identifier("phone", "+15550109999"), profile)
        .containsEntry(new Identifier("device_id", "idfa-77"), profile)
        .doesNotContainKey(new Identifier("account_id", "acct-9"));
  }

  @Test
  void replayedEventChangesNothingAndIsPublishedWithTheSameProfile() {
    String ws = Events.workspace("flow");
    EventEnvelope first = Events.track(ws, null, "anon-r");
    EventEnvelope second = Events.track(ws, "user-r", null);
    kafka.send(first);
    kafka.send(second);
    kafka.awaitResolved(first);
    kafka.awaitResolved(second);
    EventEnvelope merge = Events.identify(ws, "user-r", "anon-r", null);
    kafka.send(merge);
    String profile = kafka.awaitResolved(merge).profileId();
    await().atMost(Duration.ofSeconds(20)).until(() -> kafka.changes(ws).size() == 1);
    Map<Identifier, String> before = graph.snapshot(ws);

    kafka.send(merge);

    List<EventEnvelope> copies = kafka.awaitResolved(merge, 2);
    assertThat(copies).extracting(EventEnvelope::profileId).containsOnly(profile);
    assertThat(graph.snapshot(ws)).isEqualTo(before);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(kafka.changes(ws))
                    .hasSize(2)
                    .extracting(IdentityChange::changeId)
                    .containsOnly(kafka.changes(ws).get(0).changeId()));
  }

  @Test
  void processedEventRecordsAreForgottenAfterTheRetention() {
    String ws = Events.workspace("flow");
    EventEnvelope expired = Events.track(ws, null, "anon-expired");
    EventEnvelope recent = Events.track(ws, null, "anon-recent");
    kafka.send(expired);
    kafka.send(recent);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> processedRows(expired) == 1 && processedRows(recent) == 1);
    graph.execute(
        "UPDATE identity_processed_event SET processed_at = processed_at - interval '8 days'"
            + " WHERE event_key = :key",
        Map.of("key", expired.eventKey()));

    graph.run(cleanup::deleteExpiredProcessedEvents);

    assertThat(processedRows(expired)).as("older than the 7-day default").isZero();
    assertThat(processedRows(recent)).isEqualTo(1);
  }

  private long processedRows(EventEnvelope event) {
    return graph.count(
        "SELECT count(*) FROM identity_processed_event WHERE event_key = :key",
        Map.of("key", event.eventKey()));
  }

  @Test
  void unreadableRecordGoesToTheDeadLetterTopicWithTheReason() {
    String marker = "poison-" + java.util.UUID.randomUUID();
    kafka.sendRaw(marker, "{not json");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(kafka.deadLetters())
                    .filteredOn(record -> marker.equals(record.key()))
                    .singleElement()
                    .satisfies(
                        record -> {
                          assertThat(record.value()).isEqualTo("{not json");
                          assertThat(record.headers().get("dead-letter-reason"))
                              .contains("not a valid event envelope");
                          assertThat(record.headers().get("dead-letter-topic"))
                              .isEqualTo("cdp.events.raw");
                        }));
  }

  @Test
  void eventWithoutUsableIdentifierIsDeadLetteredAndLaterEventsStillFlow() {
    String ws = Events.workspace("flow");
    EventEnvelope blocked = Events.track(ws, "undefined", "null");
    kafka.send(blocked);
    EventEnvelope fine = Events.track(ws, "user-after", null);
    kafka.send(fine);

    assertThat(kafka.awaitResolved(fine).profileId()).isNotBlank();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(kafka.deadLetters())
                    .filteredOn(record -> record.value().contains(blocked.messageId()))
                    .singleElement()
                    .satisfies(
                        record ->
                            assertThat(record.headers().get("dead-letter-reason"))
                                .contains("no usable identifier")));
  }
}
