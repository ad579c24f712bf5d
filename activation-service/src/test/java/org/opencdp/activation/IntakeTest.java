package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.activation.journey.JourneyStore;
import org.opencdp.activation.profile.PrivacyService;
import org.opencdp.activation.profile.SnapshotChange;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Kafka;
import org.opencdp.activation.support.Receiver;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.Topics;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Intake of what every platform event brings: resolved events that no campaign names are skipped
 * without being read in full, profile changes that hold nothing new for activation do not rewrite
 * the snapshot, and a poll's changes of one profile end with the newest.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class IntakeTest extends ActivationTestBase {
  @Inject JourneyStore journeys;
  @Inject Pool pool;
  @Inject PrivacyService privacy;

  @Test
  void anEventNoCampaignNamesIsSkippedUnreadWhileOneThatDoesStartsAndEndsAJourney() {
    String trigger = unique("Trigger");
    String exit = unique("Exit");
    Map<String, Object> definition =
        campaign(
            Map.of("type", "EVENT", "event", trigger),
            List.of(
                Map.of("type", "WAIT", "duration", "PT1H"),
                send(webhook(Receiver.endpoint(200)), null, null)));
    definition.put("exitOn", List.of(exit));
    String campaign = createCampaign(definition);
    String profile = unique("p");
    List<String> deadLetters = Kafka.collected(Topics.EVENTS_RESOLVED + ".dlq");
    String key = WS + ":" + profile;
    // named by no campaign, and not an EventEnvelope (properties is no object): never read in full
    String unread =
        "{\"messageId\":\"unread-"
            + profile
            + "\",\"workspaceId\":\""
            + WS
            + "\",\"type\":\"track\",\"event\":\""
            + unique("Viewed")
            + "\",\"profileId\":\""
            + profile
            + "\",\"properties\":\"not an object\"}";
    Kafka.send(Topics.EVENTS_RESOLVED, key, unread);
    // no messageId: still dead-lettered, as before
    String poison =
        "{\"workspaceId\":\"" + WS + "\",\"event\":\"" + trigger + "\",\"profileId\":\"x\"}";
    Kafka.send(Topics.EVENTS_RESOLVED, key, poison);
    event(profile, trigger, Map.of());

    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () ->
                journeys.ofCampaign(WS, campaign, profile).stream()
                    .anyMatch(j -> j.status().equals("WAITING")));
    await().atMost(Duration.ofSeconds(45)).until(() -> deadLetters.contains(poison));
    assertThat(deadLetters).doesNotContain(unread);

    event(profile, exit, Map.of());
    await()
        .atMost(Duration.ofSeconds(45))
        .until(
            () -> journeys.ofCampaign(WS, campaign, profile).get(0).status().equals("CANCELLED"));
  }

  @Test
  void aChangeWithNothingActivationKeepsDoesNotRewriteTheSnapshotButANewerRelevantOneDoes() {
    String profile = unique("p");
    profiles.applySnapshots(List.of(change(profile, 10, "free", true)));
    String written = rowVersion(profile);

    // new events and computed traits only: same traits, consent, identifiers
    assertThat(profiles.applySnapshots(List.of(change(profile, 11, "free", true)))).isEmpty();
    assertThat(rowVersion(profile)).isEqualTo(written);
    assertThat(profiles.find(WS, profile).orElseThrow().version()).isEqualTo(10);

    profiles.applySnapshots(List.of(change(profile, 12, "pro", true)));
    assertThat(rowVersion(profile)).isNotEqualTo(written);
    assertThat(profiles.find(WS, profile).orElseThrow().version()).isEqualTo(12);
    assertThat(profiles.find(WS, profile).orElseThrow().traits()).containsEntry("plan", "pro");

    // older than the stored state: changes nothing, relevant or not
    profiles.applySnapshots(List.of(change(profile, 9, "enterprise", false)));
    assertThat(profiles.find(WS, profile).orElseThrow().traits()).containsEntry("plan", "pro");

    // a consent change is relevant
    profiles.applySnapshots(List.of(change(profile, 13, "pro", false)));
    assertThat(profiles.find(WS, profile).orElseThrow().consent())
        .containsEntry("marketing", false);
  }

  @Test
  void aReplayedChangeThatWasNotWrittenDoesNotFillASnapshotErasedHere() {
    String profile = unique("p");
    profiles.applySnapshots(List.of(change(profile, 20, "free", true)));
    SnapshotChange unchanged = change(profile, 21, "free", true);
    profiles.applySnapshots(List.of(unchanged)); // not written: the row stays at version 20
    clock.advance(Duration.ofSeconds(1));
    privacy.apply(
        new PrivacyRequest(
            unique("r"), WS, PrivacyRequest.Kind.DELETE, profile, List.of(), clock.instant()));

    profiles.applySnapshots(List.of(unchanged)); // redelivered after the erasure
    assertThat(profiles.find(WS, profile).orElseThrow().deleted()).isTrue();
    assertThat(profiles.find(WS, profile).orElseThrow().traits()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    profiles.applySnapshots(List.of(change(profile, 22, "pro", true))); // made after the erasure
    assertThat(profiles.find(WS, profile).orElseThrow().traits()).containsEntry("plan", "pro");
  }

  @Test
  void aGrantedConsentStillLiftsAnOlderUnsubscribeButNotANewerOne() {
    String profile = unique("p");
    Instant unsubscribed = clock.instant();
    profiles.suppress(WS, profile, "marketing", unsubscribed);
    profiles.applySnapshots(
        List.of(
            changeAt(profile, 1, "free", true, unsubscribed.minusSeconds(60)),
            changeAt(profile, 2, "free", true, unsubscribed.minusSeconds(30))));
    assertThat(profiles.gate(WS, profile, "marketing").orElseThrow().suppressed()).isTrue();

    profiles.applySnapshots(
        List.of(changeAt(profile, 3, "free", true, unsubscribed.plusSeconds(1))));
    assertThat(profiles.gate(WS, profile, "marketing").orElseThrow().suppressed()).isFalse();
  }

  @Test
  void severalChangesOfOneProfileInAPollEndWithTheNewest() {
    String profile = unique("p");
    for (long version = 1; version <= 6; version++) {
      Kafka.producer()
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  Topics.PROFILES_CHANGED,
                  WS + ":" + profile,
                  json(contract(profile, version, "plan-" + version, true, clock.instant()))));
    }
    Kafka.producer().flush();
    await()
        .atMost(Duration.ofSeconds(45))
        .until(() -> profiles.find(WS, profile).map(s -> s.version() == 6).orElse(false));
    assertThat(profiles.find(WS, profile).orElseThrow().traits()).containsEntry("plan", "plan-6");
  }

  @Test
  void aProfileChangeIsReadLikeTheContractRecord() throws Exception {
    ProfileChanged contract = contract(unique("p"), 7, "pro", true, clock.instant());
    SnapshotChange read = SnapshotChange.read(Kafka.JSON, json(contract));
    SnapshotChange bound = SnapshotChange.of(contract, Kafka.JSON);
    assertThat(read).isEqualTo(bound);
    assertThat(Kafka.JSON.readTree(read.traitsJson()))
        .isEqualTo(Kafka.JSON.valueToTree(contract.traits()));
  }

  private SnapshotChange change(String profile, long version, String plan, boolean marketing) {
    return changeAt(profile, version, plan, marketing, clock.instant());
  }

  private SnapshotChange changeAt(
      String profile, long version, String plan, boolean marketing, Instant at) {
    return SnapshotChange.read(Kafka.JSON, json(contract(profile, version, plan, marketing, at)));
  }

  private static ProfileChanged contract(
      String profile, long version, String plan, boolean marketing, Instant at) {
    return new ProfileChanged(
        WS,
        profile,
        version,
        List.of("events.Page Viewed", "computed.events_7d"),
        Map.of("firstName", "Ada", "plan", plan),
        Map.of("events_7d", version),
        Map.of("marketing", marketing),
        List.of(new Identifier(Identifier.EMAIL, profile + "@example.test")),
        WS + ":m-" + version,
        at,
        false);
  }

  private static String json(Object value) {
    try {
      return Kafka.JSON.writeValueAsString(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The row's physical version (xmin): a rewrite of the row changes it. */
  private String rowVersion(String profile) {
    Row row =
        pool.preparedQuery(
                "select xmin::text as x from act_profile where workspace_id = $1 and profile_id = $2")
            .executeAndAwait(Tuple.of(WS, profile))
            .iterator()
            .next();
    return row.getString("x");
  }
}
