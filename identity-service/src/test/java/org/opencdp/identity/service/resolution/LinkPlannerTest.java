package org.opencdp.identity.service.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.Identifier;

/** The rule decisions as a pure function (the flows are tested against the database). */
class LinkPlannerTest {
  private static final RuleSet RULES = DefaultRules.RULES;
  private static final Identifier USER_1 = new Identifier("user_id", "u1");
  private static final Identifier ANON = new Identifier("anonymous_id", "a1");
  private static final Identifier EMAIL = new Identifier("email", "x@shop.io");

  @Test
  void newIdentifiersOfOneEventAreAllCreated() {
    LinkPlan plan = LinkPlanner.plan(sorted(USER_1, ANON, EMAIL), Map.of(), Map.of(), RULES);
    assertThat(plan.created()).containsExactly(USER_1, EMAIL, ANON);
    assertThat(plan.profiles()).isEmpty();
    assertThat(plan.rejected()).isEmpty();
  }

  @Test
  void joiningTwoProfilesWithAUserIdEachDropsTheLowerPriorityIdentifier() {
    LinkPlan plan =
        LinkPlanner.plan(
            sorted(USER_1, ANON),
            Map.of(USER_1, "p1", ANON, "p2"),
            Map.of("p1", Map.of("user_id", 1), "p2", Map.of("user_id", 1, "anonymous_id", 1)),
            RULES);
    assertThat(plan.accepted()).containsExactly(USER_1);
    assertThat(plan.profiles()).containsExactly("p1");
    assertThat(plan.rejected())
        .singleElement()
        .satisfies(
            rejected -> {
              assertThat(rejected.identifier()).isEqualTo(ANON);
              assertThat(rejected.rule()).isEqualTo(Rejected.LIMIT);
              assertThat(rejected.profileId()).isEqualTo("p2");
            });
  }

  @Test
  void anonymousProfileJoinsTheKnownOne() {
    LinkPlan plan =
        LinkPlanner.plan(
            sorted(USER_1, ANON),
            Map.of(USER_1, "p1", ANON, "p2"),
            Map.of("p1", Map.of("user_id", 1), "p2", Map.of("anonymous_id", 3)),
            RULES);
    assertThat(plan.profiles()).containsExactly("p1", "p2");
    assertThat(plan.rejected()).isEmpty();
  }

  @Test
  void firstProfileIsAcceptedEvenWhenItAlreadyExceedsTightenedLimits() {
    LinkPlan plan =
        LinkPlanner.plan(
            sorted(EMAIL), Map.of(EMAIL, "p1"), Map.of("p1", Map.of("email", 9)), RULES);
    assertThat(plan.profiles()).containsExactly("p1");
    assertThat(plan.rejected()).isEmpty();
  }

  @Test
  void profileSplitFromTheEventsProfileIsNotJoinedEvenWithinTheLimits() {
    Separations separations = new Separations();
    separations.add("p1", "p2", "split-1");
    LinkPlan plan =
        LinkPlanner.plan(
            sorted(USER_1, EMAIL, ANON),
            Map.of(USER_1, "p1", EMAIL, "p2", ANON, "p3"),
            Map.of(
                "p1", Map.of("user_id", 1),
                "p2", Map.of("email", 1),
                "p3", Map.of("anonymous_id", 1)),
            RULES,
            separations);
    assertThat(plan.accepted()).containsExactly(USER_1, ANON);
    assertThat(plan.profiles()).containsExactly("p1", "p3");
    assertThat(plan.rejected())
        .singleElement()
        .satisfies(
            rejected -> {
              assertThat(rejected.identifier()).isEqualTo(EMAIL);
              assertThat(rejected.rule()).isEqualTo(Rejected.SPLIT);
              assertThat(rejected.profileId()).isEqualTo("p2");
              assertThat(rejected.detail()).contains("split-1");
            });
  }

  @Test
  void ofTwoUserIdsInOneEventTheOneTheEventNamesFirstIsKeptWhateverTheValues() {
    Identifier own = new Identifier("user_id", "zoe");
    Identifier external = new Identifier("user_id", "adam");
    for (List<Identifier> event :
        List.of(List.of(own, ANON, external), List.of(external, ANON, own))) {
      LinkPlan plan =
          LinkPlanner.plan(sorted(event.toArray(Identifier[]::new)), Map.of(), Map.of(), RULES);
      assertThat(plan.created()).containsExactly(event.get(0), ANON);
      assertThat(plan.rejected())
          .singleElement()
          .satisfies(
              rejected -> {
                assertThat(rejected.identifier()).isEqualTo(event.get(2));
                assertThat(rejected.rule()).isEqualTo(Rejected.LIMIT);
              });
    }
  }

  private static List<Identifier> sorted(Identifier... identifiers) {
    return java.util.Arrays.stream(identifiers).sorted(RULES.resolutionOrder()).toList();
  }
}
