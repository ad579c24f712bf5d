package org.opencdp.profile.profile;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.profile.computed.ComputedTraitDefinition;
import org.opencdp.profile.computed.ComputedTraits;

/**
 * Folds events into a profile: traits and consent by last-write-wins on event time, identifiers,
 * first/last seen, computed traits. Pure: no I/O. The same code serves live events and rebuilds
 * from the timeline (merge, unmerge), so both give the same result.
 */
public final class ProfileApplier {
  public static final String SOURCE_UNKNOWN = "unknown";

  private ProfileApplier() {}

  /** When the event happened: server-corrected timestamp, else device time, else receive time. */
  public static Instant eventTime(EventEnvelope event, Instant fallback) {
    if (event.timestamp() != null) {
      return event.timestamp();
    }
    if (event.originalTimestamp() != null) {
      return event.originalTimestamp();
    }
    return event.receivedAt() != null ? event.receivedAt() : fallback;
  }

  /**
   * Applies one event. With {@code record}, every change is noted in the profile's outbox (changed
   * fields, audit entries, new identifiers).
   */
  public static void apply(
      Profile profile,
      EventEnvelope event,
      String eventKey,
      Instant at,
      List<KnownIdentifier> eventIdentifiers,
      List<ComputedTraitDefinition> definitions,
      Instant now,
      boolean record) {
    Profile.Outbox out = profile.outbox;
    String source = event.sourceId() == null ? SOURCE_UNKNOWN : event.sourceId();
    if (profile.firstSeen == null || at.isBefore(profile.firstSeen)) {
      profile.firstSeen = at;
    }
    if (profile.lastSeen == null || at.isAfter(profile.lastSeen)) {
      profile.lastSeen = at;
    }
    profile.eventCount++;

    if (event.type() == EventType.IDENTIFY && event.traits() != null) {
      for (Map.Entry<String, Object> trait : event.traits().entrySet()) {
        stamp(
            profile.traits,
            "traits.",
            trait.getKey(),
            trait.getValue(),
            source,
            eventKey,
            at,
            now,
            profile,
            record);
      }
    }
    for (Map.Entry<String, Boolean> category : event.consentPreferences().entrySet()) {
      stamp(
          profile.consent,
          "consent.",
          category.getKey(),
          Boolean.TRUE.equals(category.getValue()),
          source,
          eventKey,
          at,
          now,
          profile,
          record);
    }
    for (KnownIdentifier identifier : eventIdentifiers) {
      if (profile.identifiers.putIfAbsent(identifier.hash(), identifier) == null && record) {
        out.changedFields.add("identifiers");
        out.identifiers.add(identifier);
      }
    }
    ComputedTraits.accumulate(profile.computedStates, definitions, event, eventKey, at, now);
    Map<String, Object> computed =
        ComputedTraits.evaluate(profile.computedStates, definitions, now);
    if (record) {
      diffComputed(profile.computed, computed, out);
      // The event itself is not a changed field: it is on cdp.events.resolved for whoever needs
      // it, so a profile that only gained timeline entries publishes no ProfileChanged and keeps
      // no outbox to clear.
      out.causingEventKey = eventKey;
    }
    profile.computed.clear();
    profile.computed.putAll(computed);
    profile.nextExpiry = ComputedTraits.nextExpiry(profile.computedStates, definitions);
  }

  /** Re-evaluates computed traits at {@code now} (windows slide); records what changed. */
  public static boolean refreshComputed(
      Profile profile, List<ComputedTraitDefinition> definitions, Instant now) {
    Map<String, Object> computed =
        ComputedTraits.evaluate(profile.computedStates, definitions, now);
    int before = profile.outbox.changedFields.size();
    diffComputed(profile.computed, computed, profile.outbox);
    profile.computed.clear();
    profile.computed.putAll(computed);
    profile.nextExpiry = ComputedTraits.nextExpiry(profile.computedStates, definitions);
    return profile.outbox.changedFields.size() > before;
  }

  /**
   * Notes in {@code current}'s outbox what differs from {@code rebuilt} (audit source {@code
   * source}, key {@code changeKey}).
   */
  public static void recordDiff(
      Profile current, Profile rebuilt, String source, String changeKey, Instant now) {
    Profile.Outbox out = current.outbox;
    diffStamps(current.traits, rebuilt.traits, "traits.", current, source, changeKey, now);
    diffStamps(current.consent, rebuilt.consent, "consent.", current, source, changeKey, now);
    if (!current.identifiers.keySet().equals(rebuilt.identifiers.keySet())) {
      out.changedFields.add("identifiers");
      for (KnownIdentifier identifier : rebuilt.identifiers.values()) {
        if (!current.identifiers.containsKey(identifier.hash())) {
          out.identifiers.add(identifier);
        }
      }
    }
    diffComputed(current.computed, rebuilt.computed, out);
    out.causingEventKey = changeKey;
  }

  private static void diffStamps(
      Map<String, Stamp> before,
      Map<String, Stamp> after,
      String prefix,
      Profile profile,
      String source,
      String changeKey,
      Instant now) {
    Set<String> names = new HashSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String name : names) {
      Stamp old = before.get(name);
      Stamp neu = after.get(name);
      Object oldValue = old == null ? null : old.value();
      Object newValue = neu == null ? null : neu.value();
      if ((old == null) != (neu == null) || !Objects.equals(oldValue, newValue)) {
        profile.outbox.changedFields.add(prefix + name);
        profile.outbox.audit.add(
            new AuditEntry(
                changeKey + "|" + profile.profileId + "|" + prefix + name,
                prefix + name,
                oldValue,
                newValue,
                source,
                neu == null ? changeKey : neu.eventKey(),
                neu == null ? now : neu.at(),
                now));
      }
    }
  }

  private static void diffComputed(
      Map<String, Object> before, Map<String, Object> after, Profile.Outbox out) {
    Set<String> names = new HashSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String name : names) {
      if (!numericEquals(before.get(name), after.get(name))) {
        out.changedFields.add("computed." + name);
      }
    }
  }

  private static boolean numericEquals(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    return Objects.equals(a, b);
  }

  private static void stamp(
      Map<String, Stamp> values,
      String prefix,
      String name,
      Object value,
      String source,
      String eventKey,
      Instant at,
      Instant now,
      Profile profile,
      boolean record) {
    Stamp candidate = new Stamp(value, source, eventKey, at);
    Stamp current = values.get(name);
    if (!candidate.supersedes(current)) {
      return; // an older (or the same) event never overwrites a newer value
    }
    values.put(name, candidate);
    if (record && (current == null || !Objects.equals(current.value(), value))) {
      profile.outbox.changedFields.add(prefix + name);
      profile.outbox.audit.add(
          new AuditEntry(
              eventKey + "|" + profile.profileId + "|" + prefix + name,
              prefix + name,
              current == null ? null : current.value(),
              value,
              source,
              eventKey,
              at,
              now));
    }
  }
}
