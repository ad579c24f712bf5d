package org.opencdp.identity.service.resolution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.Identifier;

/**
 * The resolution rules as a pure function. Identifiers are taken in priority order; each one is
 * linked unless the profile the event has built so far, joined with the identifier (and the profile
 * it already belongs to), would hold more identifiers of some type than the limit allows. Then the
 * identifier is dropped from this event's linkage and the decision recorded: two people are never
 * merged to keep a lower-priority identifier.
 */
public final class LinkPlanner {

  private LinkPlanner() {}

  /**
   * @param ordered candidates in {@link RuleSet#resolutionOrder()}
   * @param owners current profile of each existing candidate
   * @param counts identifier counts per type of each owner profile
   */
  public static LinkPlan plan(
      List<Identifier> ordered,
      Map<Identifier, String> owners,
      Map<String, Map<String, Integer>> counts,
      RuleSet rules) {
    return plan(ordered, owners, counts, rules, new Separations());
  }

  /**
   * @param separations profiles an operator split apart: an identifier whose profile is split from
   *     one the event already reached is dropped (rule SPLIT), like a limit breach
   */
  public static LinkPlan plan(
      List<Identifier> ordered,
      Map<Identifier, String> owners,
      Map<String, Map<String, Integer>> counts,
      RuleSet rules,
      Separations separations) {
    List<Identifier> accepted = new ArrayList<>();
    List<Identifier> created = new ArrayList<>();
    Set<String> profiles = new LinkedHashSet<>();
    List<Rejected> rejected = new ArrayList<>();
    Map<String, Integer> joined = new HashMap<>();

    for (Identifier identifier : ordered) {
      String owner = owners.get(identifier);
      if (owner != null && profiles.contains(owner)) {
        accepted.add(identifier);
        continue;
      }
      String split = owner == null ? null : splitFrom(owner, profiles, separations);
      if (split != null) {
        rejected.add(
            new Rejected(
                identifier,
                Rejected.SPLIT,
                "an operator split its profile from this event's profile (split " + split + ")",
                owner));
        continue;
      }
      Map<String, Integer> tentative = new HashMap<>(joined);
      if (owner != null) {
        counts
            .getOrDefault(owner, Map.of())
            .forEach((type, n) -> tentative.merge(type, n, Integer::sum));
      } else {
        tentative.merge(identifier.type(), 1, Integer::sum);
      }
      // The first profile an event reaches is always accepted: it is who the event is about, even
      // if that profile already exceeds limits tightened after it was built.
      String breach = accepted.isEmpty() ? null : breach(tentative, joined, rules);
      if (breach != null) {
        rejected.add(
            new Rejected(
                identifier,
                Rejected.LIMIT,
                "linking would give one profile "
                    + tentative.get(breach)
                    + " identifiers of type "
                    + breach
                    + ", limit "
                    + rules.limit(breach),
                owner));
        continue;
      }
      joined.clear();
      joined.putAll(tentative);
      accepted.add(identifier);
      if (owner == null) {
        created.add(identifier);
      } else {
        profiles.add(owner);
      }
    }
    return new LinkPlan(accepted, created, profiles, rejected);
  }

  /** The split that keeps {@code owner} apart from a profile already reached, or null. */
  private static String splitFrom(String owner, Set<String> reached, Separations separations) {
    for (String profile : reached) {
      String split = separations.between(owner, profile);
      if (split != null) {
        return split;
      }
    }
    return null;
  }

  /** The type whose count would grow beyond its limit, or null. */
  private static String breach(
      Map<String, Integer> tentative, Map<String, Integer> current, RuleSet rules) {
    for (Map.Entry<String, Integer> entry : tentative.entrySet()) {
      int count = entry.getValue();
      if (count > rules.limit(entry.getKey()) && count > current.getOrDefault(entry.getKey(), 0)) {
        return entry.getKey();
      }
    }
    return null;
  }
}
