package org.opencdp.identity.service.resolution;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencdp.contracts.Identifier;

/**
 * The resolution rules of one workspace: identifier types with priority and per-profile limit, the
 * priority and limit of types it did not declare (e.g. from {@code context.externalIds}), and
 * blocked value patterns.
 *
 * @param custom false when the workspace has stored no rules and the defaults apply
 */
public record RuleSet(
    Map<String, TypeRule> types,
    int defaultPriority,
    int defaultLimit,
    List<BlockedPattern> blocked,
    boolean custom) {

  public RuleSet {
    types = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(types));
    blocked = List.copyOf(blocked);
  }

  public static RuleSet of(
      Collection<TypeRule> types,
      int defaultPriority,
      int defaultLimit,
      List<BlockedPattern> blocked,
      boolean custom) {
    Map<String, TypeRule> byType = new LinkedHashMap<>();
    types.stream()
        .sorted(Comparator.comparingInt(TypeRule::priority).thenComparing(TypeRule::type))
        .forEach(rule -> byType.put(rule.type(), rule));
    return new RuleSet(byType, defaultPriority, defaultLimit, blocked, custom);
  }

  public int priority(String type) {
    TypeRule rule = types.get(type);
    return rule == null ? defaultPriority : rule.priority();
  }

  public int limit(String type) {
    TypeRule rule = types.get(type);
    return rule == null ? defaultLimit : rule.limit();
  }

  /** The pattern that blocks this identifier, if any. */
  public Optional<BlockedPattern> blockedBy(Identifier identifier) {
    for (BlockedPattern pattern : blocked) {
      if (pattern.blocks(identifier.type(), identifier.value())) {
        return Optional.of(pattern);
      }
    }
    return Optional.empty();
  }

  /**
   * Resolution order: priority, then type. Within one type the sort is stable, so the event's own
   * order decides (its {@code userId} and {@code anonymousId} first, then traits, {@code
   * externalIds}, device id, an alias's {@code previousId} last): when a limit keeps one of two
   * user ids, it is the one the event is about, not the one whose value sorts first (which would
   * leave a later login with that user id on a profile of its own). Redeliveries of an event carry
   * the same order, so every run still decides the same way.
   */
  public Comparator<Identifier> resolutionOrder() {
    return Comparator.comparingInt((Identifier identifier) -> priority(identifier.type()))
        .thenComparing(Identifier::type);
  }
}
