package org.opencdp.identity.service.resolution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.identity.config.IdentityConfig;
import org.opencdp.identity.support.Events;

/** Which identifiers an event carries, as a pure function (the flows run through Kafka). */
class IdentifierExtractorTest {
  private static final IdentifierExtractor EXTRACTOR = new IdentifierExtractor(new Limits());
  private static final RuleSet WITH_LOYALTY_CARD;

  static {
    List<TypeRule> types = new ArrayList<>(DefaultRules.TYPES);
    types.add(new TypeRule("loyalty_id", 4, 1, "loyaltyCard"));
    WITH_LOYALTY_CARD =
        RuleSet.of(
            types,
            DefaultRules.DEFAULT_PRIORITY,
            DefaultRules.DEFAULT_LIMIT,
            DefaultRules.BLOCKED,
            true);
  }

  @Test
  void findsEveryIdentifierTheIssueNames() {
    var event =
        Events.event(
            "ws",
            EventType.IDENTIFY,
            "user-1",
            "anon-1",
            null,
            Map.of("email", "Ada@Shop.IO", "phone", "+44 (20) 7946-0000"),
            Map.of(
                "traits",
                Map.of("email", "ada@work.io", "loyaltyCard", "L-9"),
                "externalIds",
                List.of(
                    Map.of("id", "cus_1", "type", "stripe_customer_id", "collection", "users"),
                    Map.of("id", "acct-1", "type", "account_id", "collection", "accounts"),
                    Map.of("id", "crm-7", "type", "CRM Id")),
                "device",
                Map.of("id", "idfa-1")));

    Extraction extraction = EXTRACTOR.extract(event, WITH_LOYALTY_CARD);

    assertThat(extraction.candidates())
        .containsExactlyInAnyOrder(
            new Identifier("user_id", "user-1"),
            new Identifier("anonymous_id", "anon-1"),
            new Identifier("email", "ada@shop.io"),
            new Identifier("phone", "+442079460000"),
            new Identifier("email", "ada@work.io"),
            new Identifier("loyalty_id", "L-9"),
            new Identifier("stripe_customer_id", "cus_1"),
            new Identifier("crm_id", "crm-7"),
            new Identifier("device_id", "idfa-1"));
    assertThat(extraction.rejected()).isEmpty();
    assertThat(extraction.aliasPrevious()).isNull();
  }

  @Test
  void customTypeIsOnlyReadWhenTheWorkspaceDeclaresIt() {
    var event = Events.identify("ws", null, "anon-1", Map.of("loyaltyCard", "L-9"));
    assertThat(EXTRACTOR.extract(event, DefaultRules.RULES).candidates())
        .containsExactly(new Identifier("anonymous_id", "anon-1"));
    assertThat(EXTRACTOR.extract(event, WITH_LOYALTY_CARD).candidates())
        .contains(new Identifier("loyalty_id", "L-9"));
  }

  @Test
  void aliasPreviousIdIsKeptForResolutionToInterpret() {
    Extraction extraction =
        EXTRACTOR.extract(Events.alias("ws", "user-1", "anon-1"), DefaultRules.RULES);
    assertThat(extraction.aliasPrevious()).isEqualTo("anon-1");
    assertThat(extraction.lockSet())
        .contains(new Identifier("user_id", "anon-1"), new Identifier("anonymous_id", "anon-1"));
  }

  @Test
  void blockedAndOverlongValuesAreRejectedWithTheRule() {
    var event =
        Events.identify(
            "ws", "undefined", "a".repeat(300), Map.of("email", "noreply@shop.io", "phone", "1"));
    Extraction extraction = EXTRACTOR.extract(event, DefaultRules.RULES);
    assertThat(extraction.candidates()).containsExactly(new Identifier("phone", "1"));
    assertThat(extraction.rejected())
        .extracting(rejected -> rejected.identifier().type() + ":" + rejected.rule())
        .containsExactlyInAnyOrder("user_id:BLOCKED", "anonymous_id:INVALID", "email:BLOCKED");
  }

  /** The configuration defaults that matter here. */
  private static final class Limits implements IdentityConfig {
    @Override
    public int consumerParallelism() {
      return 16;
    }

    @Override
    public int maxAttempts() {
      return 12;
    }

    @Override
    public int infrastructureRetries() {
      return 30;
    }

    @Override
    public Duration rulesCacheTtl() {
      return Duration.ofSeconds(5);
    }

    @Override
    public Duration processedRetention() {
      return Duration.ofDays(7);
    }

    @Override
    public int maxIdentifiersPerEvent() {
      return 50;
    }

    @Override
    public int maxValueLength() {
      return 256;
    }

    @Override
    public String cleanupInterval() {
      return "1h";
    }

    @Override
    public Duration erasedRetention() {
      return Duration.ofDays(30);
    }

    @Override
    public Crypto crypto() {
      return java.util.Optional::empty;
    }
  }
}
