package org.opencdp.segment.evaluation;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.segment.condition.Occurrence;
import org.opencdp.segment.config.SegmentConfig;
import org.opencdp.segment.definition.CompiledSegment;
import org.opencdp.segment.definition.WorkspaceSegments;
import org.opencdp.segment.profile.ProfileState;

/**
 * What one real-time input does to a locked profile: applies it to the state and re-evaluates the
 * segments that depend on what changed. Redelivered and older inputs change nothing (they still
 * re-sync the profile's Redis membership). Pure in-memory work: the caller locks, writes and
 * commits, so several inputs of one profile can be applied in order under one lock.
 */
@ApplicationScoped
class InputRules {
  private final SegmentConfig.Events eventConfig;

  InputRules(SegmentConfig config) {
    this.eventConfig = config.events();
  }

  /** Applies {@code input}; returns whether the profile's row must be written. */
  boolean apply(
      LockedProfile p, WorkspaceSegments segments, Evaluation evaluation, RealtimeInput input) {
    if (input instanceof RealtimeInput.Change change) {
      return profileChanged(p, segments, evaluation, change.message());
    }
    return event(p, segments, evaluation, ((RealtimeInput.Event) input).event());
  }

  /**
   * Whether applying {@code inputs} to a stored profile can read its kept occurrences, which must
   * then be read with the row: a snapshot change (segments are evaluated), an event some segment
   * reads, or more events than the tail has room for (it is folded). What {@link #event} and {@link
   * #profileChanged} do, decided before they run.
   */
  boolean readsOccurrences(
      ProfileState state, WorkspaceSegments segments, List<RealtimeInput> inputs) {
    int events = 0;
    for (RealtimeInput input : inputs) {
      if (!(input instanceof RealtimeInput.Event e)
          || segments.reads("events." + eventName(e.event()))) {
        return true;
      }
      events++;
    }
    return !state.tailHasRoomFor(events, eventConfig.tailMax());
  }

  private boolean profileChanged(
      LockedProfile p, WorkspaceSegments segments, Evaluation evaluation, ProfileChanged message) {
    ProfileState state = p.state;
    if (!p.isNew() && state.version >= message.version()) {
      evaluation.sync(state); // redelivered or older: nothing to apply
      return false;
    }
    if (message.deleted()) {
      evaluation.exitAll(state, segments, "profile deleted");
      state.erase();
      state.version = message.version();
      evaluation.sync(state);
      return true;
    }
    boolean firstSnapshot = p.isNew() || state.version == 0 || state.deleted;
    Set<String> changed = new HashSet<>(message.changedFields());
    diff("traits.", state.traits, nullSafe(message.traits()), changed);
    diff("computed.", state.computed, nullSafe(message.computedTraits()), changed);
    diff("consent.", state.consent, nullSafe(message.consent()), changed);
    state.traits = new LinkedHashMap<>(nullSafe(message.traits()));
    state.computed = new LinkedHashMap<>(nullSafe(message.computedTraits()));
    state.consent = new LinkedHashMap<>(nullSafe(message.consent()));
    state.version = message.version();
    state.deleted = false;
    p.row.mergedInto = null; // alive again (unmerged): part of no other profile
    List<CompiledSegment> affected = firstSnapshot ? segments.all() : segments.affectedBy(changed);
    evaluation.evaluate(state, affected, reason("profile changed", changed), false);
    evaluation.sync(state);
    return true;
  }

  private boolean event(
      LockedProfile p, WorkspaceSegments segments, Evaluation evaluation, EventEnvelope event) {
    String name = eventName(event);
    Instant at = firstNonNull(event.timestamp(), event.receivedAt(), event.originalTimestamp());
    ProfileState state = p.state;
    Instant now = evaluation.now;
    long oldest = now.minus(Duration.ofDays(eventConfig.retentionDays())).toEpochMilli();
    long when = (at == null ? now : at).toEpochMilli();
    Occurrence occurrence = new Occurrence(event.messageId(), when, properties(event.properties()));
    List<CompiledSegment> affected =
        p.isNew() ? segments.all() : segments.affectedBy(List.of("events." + name));
    int max = eventConfig.maxOccurrences();
    // read by no segment: appended without decoding the kept occurrences (folded on the next read)
    boolean added =
        !state.deleted
            && (affected.isEmpty()
                ? state.appendOccurrence(name, occurrence, max, oldest, eventConfig.tailMax())
                : state.addOccurrence(name, occurrence, max, oldest));
    if (!added) {
      evaluation.sync(state);
      return false;
    }
    evaluation.evaluate(state, affected, "event: " + shorten(name), false);
    evaluation.sync(state);
    return true;
  }

  // ---- helpers -----------------------------------------------------------------------------

  static String eventName(EventEnvelope event) {
    if (event.type() == EventType.TRACK && event.event() != null) {
      return event.event();
    }
    return event.type() == null ? "unknown" : event.type().wireName();
  }

  private static <K, V> Map<K, V> nullSafe(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static void diff(
      String prefix, Map<String, ?> before, Map<String, ?> after, Set<String> changed) {
    for (String key : before.keySet()) {
      if (!Objects.equals(before.get(key), after.get(key))) {
        changed.add(prefix + key);
      }
    }
    for (String key : after.keySet()) {
      if (!before.containsKey(key)) {
        changed.add(prefix + key);
      }
    }
  }

  private static String reason(String what, Set<String> fields) {
    List<String> names = new ArrayList<>(new TreeSet<>(fields));
    String list = String.join(", ", names.subList(0, Math.min(5, names.size())));
    return shorten(what + ": " + list + (names.size() > 5 ? ", ..." : ""));
  }

  private static String shorten(String text) {
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /** Scalar properties (and lists of scalars), bounded in number and length. */
  private Map<String, Object> properties(Map<String, Object> properties) {
    if (properties == null || properties.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> kept = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      if (kept.size() >= eventConfig.maxProperties()) {
        break;
      }
      Object value = scalar(e.getValue());
      if (value != null) {
        kept.put(e.getKey(), value);
      }
    }
    return kept;
  }

  private static Object scalar(Object value) {
    if (value instanceof String s) {
      return s.length() > 256 ? s.substring(0, 256) : s;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof List<?> list && list.size() <= 50) {
      List<Object> scalars = new ArrayList<>();
      for (Object item : list) {
        Object s = item instanceof Map<?, ?> || item instanceof List<?> ? null : scalar(item);
        if (s != null) {
          scalars.add(s);
        }
      }
      return scalars;
    }
    return null;
  }
}
