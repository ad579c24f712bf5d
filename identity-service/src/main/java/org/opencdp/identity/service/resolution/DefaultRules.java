package org.opencdp.identity.service.resolution;

import java.util.List;
import org.opencdp.contracts.Identifier;

/**
 * The rules of a workspace that stored none. Limits are generous for identifiers a person collects
 * over time (browsers and devices) and strict for those that name one person (user id).
 */
public final class DefaultRules {
  public static final int DEFAULT_PRIORITY = 50;
  public static final int DEFAULT_LIMIT = 10;

  public static final List<TypeRule> TYPES =
      List.of(
          new TypeRule(Identifier.USER_ID, 1, 1, null),
          new TypeRule(Identifier.EMAIL, 2, 5, null),
          new TypeRule(Identifier.PHONE, 3, 5, null),
          new TypeRule(Identifier.DEVICE_ID, 80, 20, null),
          new TypeRule(Identifier.ANONYMOUS_ID, 90, 50, null));

  /**
   * Placeholder values SDKs and forms send when they have nothing: they would join every visitor
   * into one profile.
   */
  public static final List<BlockedPattern> BLOCKED =
      List.of(
          BlockedPattern.of(
              null,
              "null|undefined|unknown|none|nil|nan|n/a|na|true|false|test|anonymous|guest|"
                  + "user|default|-1|[0\\-]+|\\s*"),
          BlockedPattern.of(
              Identifier.EMAIL,
              "(test|noreply|no-reply|donotreply|example)@.*"
                  + "|.*@(example\\.(com|org|net)|test\\.(com|org)|mailinator\\.com|localhost)"),
          BlockedPattern.of(Identifier.PHONE, "\\+?0+|\\+?1?234567890?|\\+?(\\d)\\1{6,}"));

  public static final RuleSet RULES =
      RuleSet.of(TYPES, DEFAULT_PRIORITY, DEFAULT_LIMIT, BLOCKED, false);

  private DefaultRules() {}
}
