package org.opencdp.segment.condition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The condition language on its own: parsing, validation errors, evaluation, next change. */
class ConditionEvaluationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2025-06-15T12:00:00Z");

  private static final class TestFacts implements Facts {
    final Map<String, Object> traits = new HashMap<>();
    final Map<String, Object> computed = new HashMap<>();
    final Map<String, Boolean> consent = new HashMap<>();
    final Map<String, List<Occurrence>> events = new HashMap<>();
    final Set<String> segments = new HashSet<>();

    @Override
    public Map<String, Object> traits() {
      return traits;
    }

    @Override
    public Map<String, Object> computedTraits() {
      return computed;
    }

    @Override
    public Map<String, Boolean> consent() {
      return consent;
    }

    @Override
    public List<Occurrence> occurrences(String event) {
      return events.getOrDefault(event, List.of());
    }

    @Override
    public Set<String> segments() {
      return segments;
    }
  }

  private static Condition parse(String json) {
    try {
      return ConditionParser.parse(JSON.readTree(json)).condition();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static boolean matches(String json, Facts facts) {
    return parse(json).evaluate(facts, NOW).matches();
  }

  private static List<ConditionError> errors(String json) {
    try {
      parse(json);
      throw new AssertionError("expected errors");
    } catch (InvalidConditionException e) {
      return e.errors();
    }
  }

  @Test
  void comparesTraitValuesWithEveryOperator() {
    TestFacts f = new TestFacts();
    f.traits.put("plan", "pro");
    f.traits.put("age", 30);
    f.traits.put("ltv", "120.5");
    f.traits.put("tags", List.of("a", "vip"));
    f.traits.put("bio", "loves coffee");
    f.traits.put("signup", "2024-02-01T00:00:00Z");

    assertThat(matches("{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}", f)).isTrue();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"Pro\"}", f)).isFalse();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"not_equals\",\"value\":\"free\"}", f))
        .isTrue();
    assertThat(matches("{\"trait\":\"missing\",\"op\":\"not_equals\",\"value\":\"free\"}", f))
        .isFalse();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"in\",\"values\":[\"team\",\"pro\"]}", f))
        .isTrue();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"not_in\",\"values\":[\"pro\"]}", f)).isFalse();
    assertThat(matches("{\"trait\":\"age\",\"op\":\"equals\",\"value\":30.0}", f)).isTrue();
    assertThat(matches("{\"trait\":\"tags\",\"op\":\"contains\",\"value\":\"vip\"}", f)).isTrue();
    assertThat(matches("{\"trait\":\"bio\",\"op\":\"contains\",\"value\":\"coffee\"}", f)).isTrue();
    assertThat(matches("{\"trait\":\"bio\",\"op\":\"contains\",\"value\":\"tea\"}", f)).isFalse();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"exists\"}", f)).isTrue();
    assertThat(matches("{\"trait\":\"email\",\"op\":\"not_exists\"}", f)).isTrue();
    assertThat(matches("{\"trait\":\"age\",\"op\":\"gt\",\"value\":29}", f)).isTrue();
    assertThat(matches("{\"trait\":\"age\",\"op\":\"gte\",\"value\":30}", f)).isTrue();
    assertThat(matches("{\"trait\":\"age\",\"op\":\"lt\",\"value\":30}", f)).isFalse();
    assertThat(matches("{\"trait\":\"ltv\",\"op\":\"lte\",\"value\":120.5}", f)).isTrue();
    assertThat(matches("{\"trait\":\"plan\",\"op\":\"gt\",\"value\":1}", f)).isFalse();
    assertThat(matches("{\"trait\":\"signup\",\"op\":\"after\",\"value\":\"2024-01-31\"}", f))
        .isTrue();
    assertThat(matches("{\"trait\":\"signup\",\"op\":\"before\",\"value\":\"2024-01-31\"}", f))
        .isFalse();
  }

  @Test
  void relativeDatesReportWhenTheirAnswerChanges() {
    TestFacts f = new TestFacts();
    f.traits.put("seen", NOW.minus(Duration.ofDays(3)).toString());
    Verdict within =
        parse("{\"trait\":\"seen\",\"op\":\"within_last_days\",\"days\":7}").evaluate(f, NOW);
    assertThat(within.matches()).isTrue();
    assertThat(within.nextChange()).isEqualTo(NOW.plus(Duration.ofDays(4)));
    Verdict old =
        parse("{\"trait\":\"seen\",\"op\":\"more_than_days_ago\",\"days\":7}").evaluate(f, NOW);
    assertThat(old.matches()).isFalse();
    assertThat(old.nextChange()).isAfter(NOW.plus(Duration.ofDays(4)));
    assertThat(
            parse("{\"trait\":\"seen\",\"op\":\"more_than_days_ago\",\"days\":7}")
                .evaluate(f, old.nextChange())
                .matches())
        .isTrue();
  }

  @Test
  void eventConditionsCountMatchingOccurrencesAndTheWindowEdge() {
    TestFacts f = new TestFacts();
    long day = Duration.ofDays(1).toMillis();
    f.events.put(
        "Order Completed",
        List.of(
            new Occurrence("1", NOW.toEpochMilli() - 40 * day, Map.of("total", 500)),
            new Occurrence(
                "2", NOW.toEpochMilli() - 10 * day, Map.of("total", 150, "currency", "EUR")),
            new Occurrence("3", NOW.toEpochMilli() - 2 * day, Map.of("total", 20))));
    assertThat(matches("{\"event\":\"Order Completed\",\"atLeast\":3}", f)).isTrue();
    assertThat(matches("{\"event\":\"Order Completed\",\"atLeast\":3,\"withinLastDays\":30}", f))
        .isFalse();
    assertThat(matches("{\"event\":\"Order Completed\",\"atMost\":2,\"withinLastDays\":30}", f))
        .isTrue();
    assertThat(
            matches(
                "{\"event\":\"Order Completed\",\"where\":[{\"property\":\"total\",\"op\":\"gte\",\"value\":100},"
                    + "{\"property\":\"currency\",\"op\":\"in\",\"values\":[\"EUR\"]}],\"withinLastDays\":30}",
                f))
        .isTrue();
    assertThat(matches("{\"event\":\"Order Refunded\",\"performed\":false}", f)).isTrue();
    assertThat(
            matches("{\"event\":\"Order Completed\",\"performed\":false,\"withinLastDays\":1}", f))
        .isTrue();
    assertThat(
            matches(
                "{\"event\":\"Order Completed\",\"between\":{\"from\":\"2025-05-01\",\"to\":\"2025-05-10\"}}",
                f))
        .isTrue(); // occurrence 1 is on 2025-05-06

    Verdict window =
        parse("{\"event\":\"Order Completed\",\"performed\":false,\"withinLastDays\":30}")
            .evaluate(f, NOW);
    assertThat(window.matches()).isFalse();
    // the oldest counted occurrence (10 days ago) leaves the window in 20 days
    assertThat(window.nextChange()).isEqualTo(NOW.plus(Duration.ofDays(20)).plusMillis(1));
  }

  @Test
  void logicSegmentsAndConsentCombine() {
    TestFacts f = new TestFacts();
    f.segments.add("vip");
    f.consent.put("email", true);
    f.consent.put("sms", false);
    assertThat(matches("{\"all\":[{\"segment\":\"vip\"},{\"consent\":\"email\"}]}", f)).isTrue();
    assertThat(matches("{\"any\":[{\"segment\":\"other\"},{\"consent\":\"sms\"}]}", f)).isFalse();
    assertThat(matches("{\"not\":{\"consent\":\"sms\"}}", f)).isTrue();
    assertThat(matches("{\"consent\":\"sms\",\"granted\":false}", f)).isTrue();
    assertThat(matches("{\"consent\":\"push\",\"granted\":false}", f)).isTrue();
  }

  @Test
  void dependenciesNameTheProfileFieldsRead() {
    Set<String> deps = new HashSet<>();
    parse(
            "{\"all\":[{\"trait\":\"address.city\",\"op\":\"exists\"},{\"computed\":\"ltv\",\"op\":\"gt\",\"value\":1},"
                + "{\"any\":[{\"consent\":\"email\"},{\"not\":{\"event\":\"Signed Up\"}}]},{\"segment\":\"vip\"}]}")
        .dependencies(deps);
    assertThat(deps)
        .containsExactlyInAnyOrder(
            "traits.address", "computed.ltv", "consent.email", "events.Signed Up", "segment:vip");
  }

  @Test
  void reportsEveryErrorWithItsPath() {
    assertThat(errors("{\"trait\":\"plan\"}"))
        .extracting(ConditionError::path)
        .containsExactly("$.op");
    assertThat(errors("{\"all\":[]}")).extracting(ConditionError::path).containsExactly("$.all");
    assertThat(
            errors("{\"trait\":\"a\",\"op\":\"equals\",\"value\":1,\"event\":\"x\"}")
                .get(0)
                .detail())
        .contains("exactly one kind");
    assertThat(errors("{\"trait\":\"$where\",\"op\":\"exists\"}").get(0).path())
        .isEqualTo("$.trait");
    assertThat(errors("{\"event\":\"E\",\"performed\":false,\"atLeast\":2}").get(0).detail())
        .contains("performed");
    assertThat(errors("{\"event\":\"E\",\"atLeast\":3,\"atMost\":1}").get(0).path())
        .isEqualTo("$.atMost");
    assertThat(
            errors("{\"event\":\"E\",\"withinLastDays\":5,\"between\":{\"from\":\"2024-01-01\"}}")
                .get(0)
                .detail())
        .contains("either");
    assertThat(
            errors("{\"event\":\"E\",\"where\":[{\"property\":\"d\",\"op\":\"within_last_days\"}]}")
                .get(0)
                .path())
        .isEqualTo("$.where[0].op");
    assertThat(errors("{\"trait\":\"d\",\"op\":\"before\",\"value\":\"yesterday\"}").get(0).path())
        .isEqualTo("$.value");
    assertThat(errors("{\"any\":[{\"consent\":\"email\",\"colour\":\"red\"}]}").get(0).path())
        .isEqualTo("$.any[0].colour");
  }

  @Test
  void boundsDepthAndSize() {
    String deep = "{\"consent\":\"e\"}";
    for (int i = 0; i < ConditionParser.MAX_DEPTH + 2; i++) {
      deep = "{\"not\":" + deep + "}";
    }
    String tooDeep = deep;
    assertThatThrownBy(() -> parse(tooDeep)).isInstanceOf(InvalidConditionException.class);
    StringBuilder wide = new StringBuilder("{\"any\":[");
    for (int i = 0; i < ConditionParser.MAX_NODES + 1; i++) {
      wide.append(i == 0 ? "" : ",").append("{\"consent\":\"c").append(i).append("\"}");
    }
    String tooWide = wide.append("]}").toString();
    assertThat(
            ((InvalidConditionException)
                    org.assertj.core.api.Assertions.catchThrowable(() -> parse(tooWide)))
                .errors()
                .get(0)
                .detail())
        .contains("too many");
  }
}
