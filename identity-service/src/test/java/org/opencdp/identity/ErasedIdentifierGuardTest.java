package org.opencdp.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.KeyedIdentifierHash;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.identity.service.RetentionCleanup;
import org.opencdp.identity.service.resolution.Resolution;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.EventEnvelopeBuilder;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * Events the gateway accepted before a privacy erasure but that identity resolves after it (still
 * queued on {@code cdp.events.raw}) must not bring the erased person back; events received after
 * the erasure are a new person. Erased identifiers are remembered only as keyed hashes.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class ErasedIdentifierGuardTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  /** {@code %test.cdp.identity.crypto.hmac-key}. */
  static final KeyedIdentifierHash TEST_KEY =
      new KeyedIdentifierHash("test-only-identity-hmac-key".getBytes(StandardCharsets.UTF_8));

  @Inject Graph graph;
  @Inject MeterRegistry registry;
  @Inject RetentionCleanup cleanup;

  private final KafkaTestClient kafka = KafkaTestClient.get();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String user = "user-" + run;
  private final String anonymous = "anon-" + run;

  @Test
  void anEventReceivedBeforeTheDeleteAndConsumedAfterItRecreatesNothingAndPublishesNothing() {
    String ws = Events.workspace("erase");
    String erasedProfile = person(ws);
    // Accepted by the gateway now, still queued when identity erases the person.
    EventEnvelope late = Events.track(ws, user, anonymous);
    EventEnvelope lateWithNewDevice = Events.track(ws, user, "anon-new-" + run);
    double dropped = erasedEvents("dropped");
    double unlinked = erasedEvents("unlinked");

    PrivacyRequest delete = erase(PrivacyRequest.Kind.DELETE, ws, erasedProfile);

    kafka.send(late);
    await().atMost(WAIT).until(() -> erasedEvents("dropped") >= dropped + 1);
    assertThat(graph.snapshot(ws)).as("no identifier recreated").isEmpty();
    assertThat(profiles(ws)).as("no profile recreated").isZero();

    // The erased user id is left out; the identifier nobody erased makes a profile of its own.
    kafka.send(lateWithNewDevice);
    String newDevice = kafka.awaitResolved(lateWithNewDevice).profileId();
    assertThat(newDevice).isNotEqualTo(erasedProfile);
    assertThat(graph.snapshot(ws))
        .containsExactlyEntriesOf(
            Map.of(new Identifier(Identifier.ANONYMOUS_ID, "anon-new-" + run), newDevice));
    assertThat(erasedEvents("unlinked")).isEqualTo(unlinked + 1);

    // Received after the delete: a new person, with a fresh profile (SUPPRESS is what refuses it).
    EventEnvelope after = Events.track(ws, user, anonymous);
    kafka.send(after);
    String fresh = kafka.awaitResolved(after).profileId();
    assertThat(fresh).isNotIn(erasedProfile, newDevice);
    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier(Identifier.USER_ID, user), fresh)
        .containsEntry(new Identifier(Identifier.ANONYMOUS_ID, anonymous), fresh);
    // Same Kafka key, so the late event was consumed before the one received after the delete.
    assertThat(kafka.resolved(e -> e.messageId().equals(late.messageId())))
        .as("nothing published for the late event")
        .isEmpty();
    assertThat(erasedEvents("dropped")).isEqualTo(dropped + 1);

    // The record of the decisions: counts per erased identifier, keyed hashes only.
    assertThat(lateEvents(ws, Identifier.USER_ID, user, delete)).isEqualTo(2);
    assertThat(lateEvents(ws, Identifier.ANONYMOUS_ID, anonymous, delete)).isEqualTo(1);
  }

  @Test
  void aLateEventNamingErasedAndFreshIdentifiersIsPublishedWithoutTheErasedValues() {
    String ws = Events.workspace("erase");
    String email = "erased-" + run + "@shop.io";
    String erasedProfile = personWithEmail(ws, email);
    String freshAnonymous = "anon-fresh-" + run;
    // Accepted before the erasure: the erased user id and e-mail (repeated in traits, context and
    // properties, spelled differently) next to an anonymous id nobody erased.
    EventEnvelope late =
        EventEnvelopeBuilder.ofType(EventType.IDENTIFY)
            .workspaceId(ws)
            .userId(user)
            .anonymousId(freshAnonymous)
            .traits(new HashMap<>(Map.of("email", " Erased-" + run + "@Shop.IO", "plan", "pro")))
            .context(
                new HashMap<>(
                    Map.of(
                        "traits", Map.of("email", email),
                        "externalIds",
                            List.of(Map.of("type", "email", "id", email, "collection", "users")),
                        "locale", "en-GB")))
            .properties(new HashMap<>(Map.of("referrer", user, "items", List.of(user, "book"))))
            .build();
    double removed = valuesRemoved();
    double unlinked = erasedEvents("unlinked");

    erase(PrivacyRequest.Kind.DELETE, ws, erasedProfile);
    kafka.send(late);

    EventEnvelope published = kafka.awaitResolved(late);
    String json =
        kafka.resolvedRecords(ws).stream()
            .map(KafkaTestClient.Published::value)
            .filter(value -> value.contains(late.messageId()))
            .findFirst()
            .orElseThrow();
    assertThat(json)
        .as("no erased value leaves identity")
        .doesNotContain(user)
        .doesNotContainIgnoringCase(email)
        .contains(freshAnonymous, "\"plan\":\"pro\"", "en-GB", "book");
    assertThat(published.userId()).isNull();
    assertThat(published.anonymousId()).isEqualTo(freshAnonymous);
    assertThat(published.traits()).containsExactlyEntriesOf(Map.of("plan", "pro"));
    assertThat(published.properties()).containsEntry("items", List.of("book"));
    assertThat(published.profileId()).isNotEqualTo(erasedProfile);
    // The erased person's graph is not linked again: only the fresh identifier, no merge.
    assertThat(graph.snapshot(ws))
        .containsExactlyEntriesOf(
            Map.of(new Identifier(Identifier.ANONYMOUS_ID, freshAnonymous), published.profileId()));
    assertThat(kafka.changes(ws)).isEmpty();
    // userId, traits.email, context.traits.email, externalIds[0].id, referrer, items[0]
    assertThat(valuesRemoved()).isEqualTo(removed + 6);
    assertThat(erasedEvents("unlinked")).isEqualTo(unlinked + 1);
  }

  @Test
  void aLateEventNamingOnlyErasedIdentifiersIsDroppedAndCountedAndUnrelatedEventsAreUntouched() {
    String ws = Events.workspace("erase");
    String email = "erased-" + run + "@shop.io";
    String erasedProfile = personWithEmail(ws, email);
    EventEnvelope late = Events.identify(ws, user, null, Map.of("email", email.toUpperCase()));
    String other = "other-" + run;
    EventEnvelope unrelated =
        Events.identify(ws, other, null, Map.of("email", other + "@shop.io", "plan", "pro"));
    double dropped = erasedEvents("dropped");
    double removed = valuesRemoved();

    PrivacyRequest delete = erase(PrivacyRequest.Kind.DELETE, ws, erasedProfile);
    kafka.send(late);
    kafka.send(unrelated);

    EventEnvelope published = kafka.awaitResolved(unrelated);
    assertThat(published.userId()).isEqualTo(other);
    assertThat(published.traits()).isEqualTo(unrelated.traits());
    await().atMost(WAIT).until(() -> erasedEvents("dropped") >= dropped + 1);
    assertThat(kafka.resolved(e -> e.messageId().equals(late.messageId())))
        .as("nothing published for the event of the erased person")
        .isEmpty();
    assertThat(valuesRemoved()).as("the unrelated event was not rewritten").isEqualTo(removed);
    // The data-free trace: counts on the erasure rows of the request.
    assertThat(lateEvents(ws, Identifier.USER_ID, user, delete)).isEqualTo(1);
    assertThat(lateEvents(ws, Identifier.EMAIL, email, delete)).isEqualTo(1);
    assertThat(graph.snapshot(ws))
        .containsOnlyKeys(
            new Identifier(Identifier.USER_ID, other),
            new Identifier(Identifier.EMAIL, other + "@shop.io"));
  }

  @Test
  void theHashTableHoldsNoRawValues() {
    String ws = Events.workspace("erase");
    String profile = person(ws);

    PrivacyRequest delete = erase(PrivacyRequest.Kind.DELETE, ws, profile);

    Map<String, Object> where = Map.of("request", delete.requestId());
    assertThat(
            graph.count(
                "SELECT count(*) FROM identity_erased_identifier WHERE request_id = :request",
                where))
        .isEqualTo(2);
    assertThat(
            graph.count(
                "SELECT count(*) FROM identity_erased_identifier WHERE request_id = :request"
                    + " AND identifier_hash ~ '^[0-9a-f]{64}$' AND identifier_hash IN (:hashes)",
                Map.of(
                    "request",
                    delete.requestId(),
                    "hashes",
                    List.of(
                        TEST_KEY.hash(ws, Identifier.USER_ID, user),
                        TEST_KEY.hash(ws, Identifier.ANONYMOUS_ID, anonymous)))))
        .as("the HMAC of workspace, type and value with the configured key")
        .isEqualTo(2);
    assertThat(
            graph.count(
                "SELECT count(*) FROM identity_erased_identifier e WHERE"
                    + " position(:run IN (e.identifier_hash || e.workspace_id || e.request_id"
                    + " || e.erased_at::text || e.late_events::text)) > 0",
                Map.of("run", run)))
        .as("no column holds any part of the identifier values")
        .isZero();
  }

  @Test
  void anotherWorkspaceWithTheSameIdentifierValuesIsUnaffected() {
    String erasedWs = Events.workspace("erase");
    String otherWs = Events.workspace("keep");
    String erasedProfile = person(erasedWs);
    String otherProfile = person(otherWs);
    Map<Identifier, String> otherBefore = graph.snapshot(otherWs);
    EventEnvelope lateElsewhere = Events.track(otherWs, user, anonymous);

    erase(PrivacyRequest.Kind.DELETE, erasedWs, erasedProfile);

    kafka.send(lateElsewhere);
    assertThat(kafka.awaitResolved(lateElsewhere).profileId()).isEqualTo(otherProfile);
    assertThat(graph.snapshot(otherWs)).isEqualTo(otherBefore);
    assertThat(graph.snapshot(erasedWs)).isEmpty();
  }

  @Test
  void anonymizeGuardsThePerEventPathToo() {
    String ws = Events.workspace("erase");
    String profile = person(ws);
    EventEnvelope late = Events.track(ws, user, anonymous);
    double dropped = erasedEvents("dropped");

    erase(PrivacyRequest.Kind.ANONYMIZE, ws, profile);

    Resolution resolution = graph.resolve(late);
    assertThat(resolution.outcome()).isEqualTo(Resolution.Outcome.ERASED);
    assertThat(resolution.profileId()).isNull();
    assertThat(resolution.erasedIdentifiers()).isEqualTo(2);
    assertThat(graph.snapshot(ws)).isEmpty();
    assertThat(profiles(ws)).isZero();
    assertThat(
            graph.count(
                "SELECT count(*) FROM identity_processed_event WHERE event_key = :key",
                Map.of("key", late.eventKey())))
        .as("no idempotency record: a redelivery is decided the same way")
        .isZero();
    assertThat(erasedEvents("dropped")).isEqualTo(dropped + 1);
    assertThat(graph.resolve(Events.track(ws, user, anonymous)).outcome())
        .as("received after the erasure")
        .isEqualTo(Resolution.Outcome.CREATED);
  }

  @Test
  void erasedIdentifiersAreForgottenAfterTheRetention() {
    String expiredWs = Events.workspace("erase");
    String recentWs = Events.workspace("erase");
    erase(PrivacyRequest.Kind.DELETE, expiredWs, person(expiredWs));
    erase(PrivacyRequest.Kind.DELETE, recentWs, person(recentWs));
    graph.execute(
        "UPDATE identity_erased_identifier SET erased_at = erased_at - interval '31 days'"
            + " WHERE workspace_id = :ws",
        Map.of("ws", expiredWs));

    graph.run(cleanup::deleteExpiredErasedIdentifiers);

    assertThat(erasedRows(expiredWs)).as("older than the 30-day default").isZero();
    assertThat(erasedRows(recentWs)).isEqualTo(2);
  }

  private long erasedRows(String ws) {
    return graph.count(
        "SELECT count(*) FROM identity_erased_identifier WHERE workspace_id = :ws",
        Map.of("ws", ws));
  }

  /** One person (user id and anonymous id) resolved through Kafka; returns their profile id. */
  private String person(String ws) {
    EventEnvelope visit = Events.track(ws, user, anonymous);
    kafka.send(visit);
    return kafka.awaitResolved(visit).profileId();
  }

  /** One person (user id, anonymous id, e-mail) resolved through Kafka; returns their profile. */
  private String personWithEmail(String ws, String email) {
    EventEnvelope visit = Events.identify(ws, user, anonymous, Map.of("email", email));
    kafka.send(visit);
    return kafka.awaitResolved(visit).profileId();
  }

  private double valuesRemoved() {
    Counter counter = registry.find("cdp.identity.erased.values.removed").counter();
    return counter == null ? 0 : counter.count();
  }

  private PrivacyRequest erase(PrivacyRequest.Kind kind, String ws, String profileId) {
    PrivacyRequest request =
        new PrivacyRequest(
            UUID.randomUUID().toString(),
            ws,
            kind,
            profileId,
            List.of(
                new Identifier(Identifier.USER_ID, user),
                new Identifier(Identifier.ANONYMOUS_ID, anonymous)),
            Instant.now());
    kafka.sendPrivacyRequest(request);
    List<PrivacyStatus> answers =
        await()
            .atMost(WAIT)
            .until(() -> kafka.privacyStatuses(request.requestId()), list -> !list.isEmpty());
    assertThat(answers.get(0).state()).isEqualTo(PrivacyStatus.State.DONE);
    return request;
  }

  private double erasedEvents(String outcome) {
    Counter counter = registry.find("cdp.identity.events.erased").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private long profiles(String ws) {
    return graph.count(
        "SELECT count(*) FROM identity_profile WHERE workspace_id = :ws", Map.of("ws", ws));
  }

  private long lateEvents(String ws, String type, String value, PrivacyRequest request) {
    return graph.count(
        "SELECT coalesce(sum(late_events), 0) FROM identity_erased_identifier"
            + " WHERE workspace_id = :ws AND identifier_hash = :hash AND request_id = :request"
            + " AND last_late_event_at IS NOT NULL",
        Map.of("ws", ws, "hash", TEST_KEY.hash(ws, type, value), "request", request.requestId()));
  }
}
