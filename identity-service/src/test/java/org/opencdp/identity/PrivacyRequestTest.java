package org.opencdp.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.KafkaTestClient;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/**
 * Privacy requests through Kafka: the identity graph forgets the person (every identifier of the
 * profile and of the profiles merged into it, their merges, splits, audit entries and rule
 * decisions) in the request's workspace only, and answers on {@code cdp.privacy.status}.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class PrivacyRequestTest {
  static final String WS = "acme";
  static final String OTHER_WS = "globex";
  static final String TOKEN = "Bearer acme-token";
  static final String OTHER_TOKEN = "Bearer globex-token";
  static final Duration WAIT = Duration.ofSeconds(30);

  @Inject Graph graph;

  private final KafkaTestClient kafka = KafkaTestClient.get();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** One person: an anonymous visit merged into a known profile, plus a rejected second user id. */
  private record Person(String survivor, String merged, List<Identifier> identifiers) {}

  private Person person(String workspaceId) {
    String anonymous = "anon-" + run;
    EventEnvelope visit = Events.track(workspaceId, null, anonymous);
    EventEnvelope signUp =
        Events.withContext(
            workspaceId,
            "user-" + run,
            "anon-2-" + run,
            Map.of(
                "traits",
                Map.of("email", "ada." + run + "@engines.io", "phone", "+44 20 7946 0" + digits()),
                "externalIds",
                List.of(
                    Map.of("id", "cus_" + run, "type", "stripe_customer_id", "collection", "users"),
                    Map.of("id", "user-b-" + run, "type", "user_id", "collection", "users")),
                "device",
                Map.of("id", "idfa-" + run)));
    kafka.send(visit);
    String visitor = kafka.awaitResolved(visit).profileId();
    kafka.send(signUp);
    String known = kafka.awaitResolved(signUp).profileId();
    assertThat(known).as("two profiles before the login").isNotEqualTo(visitor);
    EventEnvelope login = Events.identify(workspaceId, "user-" + run, anonymous, null);
    kafka.send(login);
    String survivor = kafka.awaitResolved(login).profileId();
    String merged = survivor.equals(known) ? visitor : known;
    List<Identifier> identifiers =
        graph.snapshot(workspaceId).entrySet().stream()
            .filter(entry -> entry.getValue().equals(survivor))
            .map(Map.Entry::getKey)
            .toList();
    return new Person(survivor, merged, identifiers);
  }

  private String digits() {
    return String.valueOf(Math.abs(run.hashCode() % 1000) + 1000).substring(1);
  }

  @Test
  void deleteErasesEveryIdentifierOfThePersonAndOfTheProfilesMergedIntoIt() {
    Person person = person(WS);
    assertThat(person.merged())
        .as("the visit was merged into the known profile")
        .isNotEqualTo(person.survivor());
    assertThat(person.identifiers())
        .contains(
            new Identifier("user_id", "user-" + run),
            new Identifier("anonymous_id", "anon-" + run),
            new Identifier("email", "ada." + run + "@engines.io"),
            new Identifier("stripe_customer_id", "cus_" + run),
            new Identifier("device_id", "idfa-" + run));
    assertThat(history(person)).as("merges, rejections of the person before").isPositive();
    // An operator correction leaves a split, an audit entry and a profile of its own for the
    // device.
    IdentityChange detached =
        given()
            .header("Authorization", TOKEN)
            .contentType(ContentType.JSON)
            .body(Map.of("type", "device_id", "value", "idfa-" + run, "reason", "shared tablet"))
            .post("/v1/workspaces/acme/profiles/" + person.survivor() + "/detach")
            .then()
            .statusCode(200)
            .extract()
            .as(IdentityChange.class);
    Person other = otherPersonInTheSameWorkspace();
    Person sameIdentifiersElsewhere = person(OTHER_WS);

    // The request names the merged (former) profile id: identity resolves it to the person.
    PrivacyRequest request = request(PrivacyRequest.Kind.DELETE, person.merged(), person);
    kafka.sendPrivacyRequest(request);
    PrivacyStatus answer = awaitAnswers(request, 1).get(0);

    assertThat(answer.service()).isEqualTo("identity-service");
    assertThat(answer.state()).isEqualTo(PrivacyStatus.State.DONE);
    assertThat(answer.workspaceId()).isEqualTo(WS);
    assertThat(answer.detail()).isNull();
    assertThat(kafka.privacyStatusRecords(request.requestId()).get(0).key())
        .isEqualTo(WS + ":" + request.requestId());

    for (Identifier identifier : person.identifiers()) {
      if (identifier.type().equals("device_id")) {
        continue; // detached: the operator said it is someone else's
      }
      given()
          .header("Authorization", TOKEN)
          .get("/v1/workspaces/acme/identifiers/" + identifier.type() + "/" + identifier.value())
          .then()
          .statusCode(404);
    }
    for (String profile : List.of(person.survivor(), person.merged())) {
      given()
          .header("Authorization", TOKEN)
          .get("/v1/workspaces/acme/profiles/" + profile)
          .then()
          .statusCode(404);
    }
    assertThat(history(person)).as("rows naming the person or their identifier values").isZero();
    assertThat(graph.snapshot(WS))
        .as("the detached device stays with its own profile, which forgot its origin")
        .containsEntry(new Identifier("device_id", "idfa-" + run), detached.mergedProfileId());
    assertThat(
            graph.count(
                "SELECT count(*) FROM identity_identifier WHERE origin_profile_id IN (:ids)",
                Map.of("ids", List.of(person.survivor(), person.merged()))))
        .isZero();
    given()
        .header("Authorization", TOKEN)
        .get("/v1/workspaces/acme/audit")
        .then()
        .statusCode(200)
        .body(
            "findAll { it.target == 'privacy request " + request.requestId() + "' }.action",
            equalTo(List.of("PRIVACY_DELETE")))
        .body("findAll { it.target.contains('" + person.survivor() + "') }.size()", equalTo(0));

    // Other people and other workspaces are untouched.
    assertThat(graph.snapshot(WS))
        .containsAllEntriesOf(
            other.identifiers().stream()
                .collect(java.util.stream.Collectors.toMap(id -> id, id -> other.survivor())));
    assertThat(graph.snapshot(OTHER_WS))
        .containsAllEntriesOf(
            sameIdentifiersElsewhere.identifiers().stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        id -> id, id -> sameIdentifiersElsewhere.survivor())));
    given()
        .header("Authorization", OTHER_TOKEN)
        .get("/v1/workspaces/globex/identifiers/user_id/user-" + run)
        .then()
        .statusCode(200)
        .body("profileId", equalTo(sameIdentifiersElsewhere.survivor()));
  }

  @Test
  void theSameRequestTwiceIsAnsweredTwiceAndChangesNothingMore() {
    Person person = person(WS);
    PrivacyRequest request = request(PrivacyRequest.Kind.DELETE, person.survivor(), person);
    kafka.sendPrivacyRequest(request);
    awaitAnswers(request, 1);
    Map<Identifier, String> afterFirst = graph.snapshot(WS);
    long auditAfterFirst = auditRows();

    kafka.sendPrivacyRequest(request);
    List<PrivacyStatus> answers = awaitAnswers(request, 2);

    assertThat(answers).extracting(PrivacyStatus::state).containsOnly(PrivacyStatus.State.DONE);
    assertThat(graph.snapshot(WS)).isEqualTo(afterFirst);
    assertThat(auditRows()).isEqualTo(auditAfterFirst);
  }

  @Test
  void aRedeliveredEventOfTheErasedPersonIsAReplayAndRecreatesNothing() {
    EventEnvelope signUp =
        Events.identify(
            WS, "user-" + run, "anon-" + run, Map.of("email", "grace." + run + "@engines.io"));
    kafka.send(signUp);
    String profile = kafka.awaitResolved(signUp).profileId();
    Person person = new Person(profile, profile, List.of(new Identifier("user_id", "user-" + run)));
    PrivacyRequest request = request(PrivacyRequest.Kind.DELETE, profile, person);
    kafka.sendPrivacyRequest(request);
    awaitAnswers(request, 1);

    kafka.send(signUp); // same messageId: Kafka redelivered it after the delete

    EventEnvelope redelivered = kafka.awaitResolved(signUp, 2).get(1);
    assertThat(redelivered.profileId())
        .as("resolved to the erased id, which the profile-service's tombstone refuses")
        .isEqualTo(profile);
    assertThat(redelivered.userId()).as("erased values are not published again").isNull();
    assertThat(redelivered.anonymousId()).isNull();
    assertThat(redelivered.traits()).doesNotContainKey("email");
    assertThat(graph.snapshot(WS))
        .doesNotContainKeys(
            new Identifier("user_id", "user-" + run),
            new Identifier("email", "grace." + run + "@engines.io"));
  }

  @Test
  void anonymizeErasesTheIdentifiersAndSuppressKeepsTheGraph() {
    Person suppressed = person(WS);
    PrivacyRequest suppress =
        request(PrivacyRequest.Kind.SUPPRESS, suppressed.survivor(), suppressed);
    kafka.sendPrivacyRequest(suppress);
    assertThat(awaitAnswers(suppress, 1).get(0).state()).isEqualTo(PrivacyStatus.State.DONE);
    assertThat(graph.snapshot(WS))
        .containsEntry(new Identifier("user_id", "user-" + run), suppressed.survivor());

    PrivacyRequest anonymize =
        request(PrivacyRequest.Kind.ANONYMIZE, suppressed.survivor(), suppressed);
    kafka.sendPrivacyRequest(anonymize);
    assertThat(awaitAnswers(anonymize, 1).get(0).state()).isEqualTo(PrivacyStatus.State.DONE);
    assertThat(graph.snapshot(WS))
        .doesNotContainKeys(suppressed.identifiers().toArray(Identifier[]::new));
    given()
        .header("Authorization", TOKEN)
        .get("/v1/workspaces/acme/audit")
        .then()
        .statusCode(200)
        .body(
            "findAll { it.target == 'privacy request " + anonymize.requestId() + "' }.action",
            equalTo(List.of("PRIVACY_ANONYMIZE")));
  }

  @Test
  void aRequestWithoutProfileIsAnsweredFailedAndAnUnreadableOneIsDeadLettered() {
    PrivacyRequest incomplete =
        new PrivacyRequest(
            UUID.randomUUID().toString(),
            WS,
            PrivacyRequest.Kind.DELETE,
            null,
            List.of(),
            Instant.now());
    kafka.sendPrivacyRequest(incomplete);
    PrivacyStatus answer = awaitAnswers(incomplete, 1).get(0);
    assertThat(answer.state()).isEqualTo(PrivacyStatus.State.FAILED);
    assertThat(answer.detail()).isEqualTo("request without a usable profileId or kind");

    String garbage = "not json " + run;
    kafka.sendTo(org.opencdp.contracts.Topics.PRIVACY_REQUESTS, WS + ":x", garbage);
    await()
        .atMost(WAIT)
        .until(() -> kafka.privacyDeadLetters().stream().anyMatch(r -> r.value().equals(garbage)));
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Person otherPersonInTheSameWorkspace() {
    EventEnvelope event =
        Events.identify(
            WS,
            "someone-else-" + run,
            "anon-else-" + run,
            Map.of("email", "else." + run + "@engines.io"));
    kafka.send(event);
    String profile = kafka.awaitResolved(event).profileId();
    return new Person(
        profile,
        profile,
        List.of(
            new Identifier("user_id", "someone-else-" + run),
            new Identifier("anonymous_id", "anon-else-" + run),
            new Identifier("email", "else." + run + "@engines.io")));
  }

  private static PrivacyRequest request(PrivacyRequest.Kind kind, String profileId, Person person) {
    return new PrivacyRequest(
        UUID.randomUUID().toString(), WS, kind, profileId, person.identifiers(), Instant.now());
  }

  private List<PrivacyStatus> awaitAnswers(PrivacyRequest request, int count) {
    return await()
        .atMost(WAIT)
        .until(
            () -> kafka.privacyStatuses(request.requestId()), answers -> answers.size() >= count);
  }

  /** Rows of merges, merge provenance, splits, audit and rule decisions that name the person. */
  private long history(Person person) {
    List<String> ids = List.of(person.survivor(), person.merged());
    List<String> values = person.identifiers().stream().map(Identifier::value).toList();
    return graph.count(
        "SELECT (SELECT count(*) FROM identity_merge WHERE workspace_id = :ws"
            + " AND (survivor_profile_id IN (:ids) OR merged_profile_id IN (:ids)))"
            + " + (SELECT count(*) FROM identity_merge_identifier WHERE workspace_id = :ws"
            + " AND value IN (:values))"
            + " + (SELECT count(*) FROM identity_split WHERE workspace_id = :ws"
            + " AND (profile_a IN (:ids) OR profile_b IN (:ids) OR origin_profile_a IN (:ids)"
            + " OR origin_profile_b IN (:ids) OR identifier_value IN (:values)))"
            + " + (SELECT count(*) FROM identity_audit WHERE workspace_id = :ws"
            + " AND target LIKE '%' || :survivor || '%')"
            + " + (SELECT count(*) FROM identity_rejection WHERE workspace_id = :ws"
            + " AND (profile_id IN (:ids) OR value IN (:values) OR value = :secondUser))"
            + " + (SELECT count(*) FROM identity_profile WHERE workspace_id = :ws AND id IN (:ids))",
        Map.of(
            "ws",
            WS,
            "ids",
            ids,
            "values",
            values,
            "survivor",
            person.survivor(),
            "secondUser",
            "user-b-" + run));
  }

  private long auditRows() {
    return graph.count(
        "SELECT count(*) FROM identity_audit WHERE workspace_id = :ws", Map.of("ws", WS));
  }
}
