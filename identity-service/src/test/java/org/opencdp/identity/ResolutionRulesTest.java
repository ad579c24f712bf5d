package org.opencdp.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.service.resolution.BlockedPattern;
import org.opencdp.identity.service.resolution.DefaultRules;
import org.opencdp.identity.service.resolution.Resolution;
import org.opencdp.identity.service.resolution.TypeRule;
import org.opencdp.identity.support.Events;
import org.opencdp.identity.support.Graph;
import org.opencdp.identity.support.TopicsResource;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;

/** Per-workspace rules (priorities, limits, blocked values, custom types) on the real database. */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(TopicsResource.class)
@QuarkusTest
class ResolutionRulesTest {
  @Inject Graph graph;

  @Test
  void secondUserIdIsNotMergedIntoAKnownProfileAndTheDecisionIsRecorded() {
    String ws = Events.workspace("rules");
    String first = graph.resolve(Events.identify(ws, "user-1", "shared-anon", null)).profileId();

    var event = Events.identify(ws, "user-2", "shared-anon", null);
    Resolution second = graph.resolve(event);

    assertThat(second.profileId()).isNotEqualTo(first);
    assertThat(second.outcome()).isEqualTo(Resolution.Outcome.CREATED);
    assertThat(second.changes()).isEmpty();
    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier("anonymous_id", "shared-anon"), first)
        .containsEntry(new Identifier("user_id", "user-1"), first)
        .containsEntry(new Identifier("user_id", "user-2"), second.profileId());
    assertThat(graph.rejections(ws))
        .singleElement()
        .satisfies(
            rejection -> {
              assertThat(rejection.rule).isEqualTo("LIMIT");
              assertThat(rejection.type).isEqualTo("anonymous_id");
              assertThat(rejection.profileId).isEqualTo(first);
              assertThat(rejection.eventKey).isEqualTo(event.eventKey());
              assertThat(rejection.detail).contains("user_id").contains("limit 1");
            });
  }

  /**
   * A sign-up carries its user id twice (userId and an externalIds user_id): the limit keeps the
   * event's own userId, whichever value sorts first, so the later login with it finds the person.
   */
  @Test
  void theEventsOwnUserIdIsKeptOverAnExternalIdsUserIdAndTheLoginFindsThePerson() {
    for (String[] ids : new String[][] {{"zoe", "adam"}, {"adam", "zoe"}}) {
      String ws = Events.workspace("rules");
      String visit = graph.resolve(Events.track(ws, null, "visit")).profileId();
      var signUp =
          Events.withContext(
              ws,
              ids[0],
              "sign-up-anon",
              Events.externalIds(List.of(Map.of("id", ids[1], "type", "user_id"))));
      String known = graph.resolve(signUp).profileId();
      Resolution login = graph.resolve(Events.identify(ws, ids[0], "visit", null));

      assertThat(login.profileId())
          .as("userId %s: the visit joins the signed-up profile", ids[0])
          .isEqualTo(known)
          .isNotEqualTo(visit);
      assertThat(graph.snapshot(ws))
          .as("userId %s, externalIds user_id %s", ids[0], ids[1])
          .containsEntry(new Identifier("user_id", ids[0]), login.profileId())
          .containsEntry(new Identifier("anonymous_id", "sign-up-anon"), login.profileId())
          .containsEntry(new Identifier("anonymous_id", "visit"), login.profileId())
          .doesNotContainKey(new Identifier("user_id", ids[1]));
      assertThat(graph.rejections(ws))
          .singleElement()
          .satisfies(
              rejection -> {
                assertThat(rejection.rule).isEqualTo("LIMIT");
                assertThat(rejection.value).isEqualTo(ids[1]);
                assertThat(rejection.eventKey).isEqualTo(signUp.eventKey());
              });
    }
  }

  @Test
  void lowerPriorityIdentifierIsDroppedInsteadOfJoiningTwoPeople() {
    String ws = Events.workspace("rules");
    graph.setRules(
        ws,
        List.of(
            new TypeRule("user_id", 1, 1, null),
            new TypeRule("email", 2, 1, null),
            new TypeRule("anonymous_id", 3, 10, null)),
        5,
        List.of());
    String known =
        graph
            .resolve(Events.identify(ws, "user-p", null, Map.of("email", "p@shop.io")))
            .profileId();
    String other =
        graph
            .resolve(Events.identify(ws, null, "anon-q", Map.of("email", "q@shop.io")))
            .profileId();

    Resolution linking = graph.resolve(Events.identify(ws, "user-p", "anon-q", null));

    assertThat(linking.profileId()).isEqualTo(known);
    assertThat(linking.outcome()).isEqualTo(Resolution.Outcome.KNOWN);
    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier("anonymous_id", "anon-q"), other)
        .containsEntry(new Identifier("email", "q@shop.io"), other);
    assertThat(graph.rejections(ws))
        .extracting(r -> r.rule + ":" + r.type)
        .containsExactly("LIMIT:anonymous_id");
  }

  @Test
  void profilesMergeWhenTheRulesAllowIt() {
    String ws = Events.workspace("rules");
    graph.setRules(
        ws,
        List.of(
            new TypeRule("user_id", 1, 1, null),
            new TypeRule("email", 2, 2, null),
            new TypeRule("anonymous_id", 3, 10, null)),
        5,
        List.of());
    graph.resolve(Events.identify(ws, "user-p", null, Map.of("email", "p@shop.io")));
    graph.resolve(Events.identify(ws, null, "anon-q", Map.of("email", "q@shop.io")));

    Resolution linking = graph.resolve(Events.identify(ws, "user-p", "anon-q", null));

    assertThat(linking.outcome()).isEqualTo(Resolution.Outcome.MERGED);
    assertThat(graph.snapshot(ws)).hasSize(4).containsValue(linking.profileId());
    assertThat(Graph.partition(graph.snapshot(ws))).hasSize(1);
  }

  @Test
  void identifierBeyondTheLimitOfItsTypeIsNotAttached() {
    String ws = Events.workspace("rules");
    for (int i = 1; i <= 6; i++) {
      graph.resolve(Events.identify(ws, "user-e", null, Map.of("email", "e" + i + "@shop.io")));
    }
    assertThat(graph.snapshot(ws).keySet())
        .filteredOn(id -> id.type().equals("email"))
        .hasSize(5)
        .doesNotContain(new Identifier("email", "e6@shop.io"));
    assertThat(graph.rejections(ws))
        .extracting(r -> r.rule + ":" + r.value)
        .containsExactly("LIMIT:e6@shop.io");
  }

  @Test
  void blockedPlaceholderValuesNeverJoinTwoPeople() {
    String ws = Events.workspace("rules");
    String ada =
        graph
            .resolve(Events.identify(ws, "ada", "undefined", Map.of("email", "test@example.com")))
            .profileId();
    String bob =
        graph
            .resolve(Events.identify(ws, "bob", "undefined", Map.of("email", "test@example.com")))
            .profileId();

    assertThat(ada).isNotEqualTo(bob);
    assertThat(graph.snapshot(ws))
        .containsOnlyKeys(new Identifier("user_id", "ada"), new Identifier("user_id", "bob"));
    assertThat(graph.rejections(ws)).extracting(r -> r.rule).hasSize(4).containsOnly("BLOCKED");
  }

  @Test
  void workspaceBlockedPatternReplacesTheDefaults() {
    String ws = Events.workspace("rules");
    graph.setRules(
        ws,
        DefaultRules.TYPES,
        10,
        List.of(BlockedPattern.of("email", ".*@frontdesk\\.example\\.net")));
    String one =
        graph
            .resolve(Events.identify(ws, "u1", null, Map.of("email", "desk@frontdesk.example.net")))
            .profileId();
    String two =
        graph
            .resolve(Events.identify(ws, "u2", null, Map.of("email", "desk@frontdesk.example.net")))
            .profileId();
    String three = graph.resolve(Events.track(ws, "unknown", null)).profileId();

    assertThat(one).isNotEqualTo(two);
    assertThat(graph.snapshot(ws)).containsEntry(new Identifier("user_id", "unknown"), three);
  }

  @Test
  void identifiersBeyondTheMaximumPerEventAreRejectedLowestPriorityFirst() {
    String ws = Events.workspace("rules");
    graph.setRules(
        ws,
        List.of(new TypeRule("user_id", 1, 1, null), new TypeRule("crm_id", 5, 100, null)),
        10,
        List.of());
    List<Map<String, Object>> external = new java.util.ArrayList<>();
    for (int i = 0; i < 60; i++) {
      external.add(Map.of("id", "c-" + i, "type", "crm_id"));
    }
    graph.resolve(Events.withContext(ws, "user-many", null, Events.externalIds(external)));

    assertThat(graph.snapshot(ws)).hasSize(50).containsKey(new Identifier("user_id", "user-many"));
    assertThat(graph.rejections(ws))
        .filteredOn(r -> r.rule.equals("INVALID"))
        .hasSize(11)
        .allSatisfy(r -> assertThat(r.type).isEqualTo("crm_id"));
  }

  @Test
  void customIdentifierTypeFromTraitsLinksProfiles() {
    String ws = Events.workspace("rules");
    graph.setRules(
        ws,
        List.of(
            new TypeRule("user_id", 1, 1, null),
            new TypeRule("loyalty_id", 2, 1, "loyaltyCard"),
            new TypeRule("anonymous_id", 3, 10, null)),
        5,
        List.of());
    String store =
        graph
            .resolve(Events.identify(ws, null, "pos-1", Map.of("loyaltyCard", "L-778")))
            .profileId();
    Resolution web =
        graph.resolve(
            Events.withContext(
                ws, null, "web-1", Map.of("traits", Map.of("loyaltyCard", "L-778"))));

    assertThat(web.profileId()).isEqualTo(store);
    assertThat(graph.snapshot(ws))
        .containsEntry(new Identifier("loyalty_id", "L-778"), store)
        .containsEntry(new Identifier("anonymous_id", "web-1"), store);
  }
}
