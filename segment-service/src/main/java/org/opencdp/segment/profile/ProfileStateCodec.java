package org.opencdp.segment.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.segment.condition.Occurrence;
import org.opencdp.segment.config.SegmentConfig;

/** Converts between the stored row and {@link ProfileState}. */
@ApplicationScoped
public class ProfileStateCodec {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, List<List<Object>>>> EVENTS =
      new TypeReference<>() {};

  private final ObjectMapper json;
  private final TailCodec tails;
  private final int maxOccurrences;

  @Inject
  public ProfileStateCodec(ObjectMapper json, SegmentConfig config) {
    this(json, config.events().maxOccurrences());
  }

  ProfileStateCodec(ObjectMapper json, int maxOccurrences) {
    this.json = json;
    this.tails = new TailCodec(json);
    this.maxOccurrences = maxOccurrences;
  }

  @SuppressWarnings("unchecked")
  public ProfileState decode(ProfileStateEntity row) {
    ProfileState state = new ProfileState(row.workspaceId, row.profileId);
    state.version = row.version;
    state.deleted = row.deleted;
    try {
      if (row.snapshot != null) {
        Map<String, Object> snapshot = json.readValue(row.snapshot, MAP);
        state.traits = (Map<String, Object>) snapshot.getOrDefault("traits", new LinkedHashMap<>());
        state.computed =
            (Map<String, Object>) snapshot.getOrDefault("computed", new LinkedHashMap<>());
        state.consent =
            (Map<String, Boolean>) snapshot.getOrDefault("consent", new LinkedHashMap<>());
        state.decodedSnapshot(row.snapshot);
      }
      String tail = row.eventsTail;
      if (!row.eventsRead || !isEmpty(row.events) || !isEmpty(tail)) {
        state.decodeEventsLazily(
            appended -> fold(decodeEvents(eventsOf(row)), decodeTail(tail), appended),
            isEmpty(tail) ? 0 : TailCodec.entries(tail));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable profile state row", e);
    }
    if (row.segments != null && !row.segments.isBlank()) {
      state.segments.addAll(List.of(row.segments.trim().split(" ")));
    }
    return state;
  }

  /** The stored occurrences, read on first use: by then they must have been read with the row. */
  private static String eventsOf(ProfileStateEntity row) {
    if (!row.eventsRead) {
      throw new IllegalStateException(
          "kept occurrences of a profile used without being read (InputRules.readsOccurrences)");
    }
    return row.events;
  }

  private static boolean isEmpty(String json) {
    return json == null || json.isEmpty() || json.equals("{}");
  }

  /** The kept occurrences with the stored tail, then the entries appended since, folded in. */
  private Map<String, List<Occurrence>> fold(
      Map<String, List<Occurrence>> kept, List<TailEntry> stored, List<TailEntry> appended) {
    for (List<TailEntry> tail : List.of(stored, appended)) {
      for (TailEntry e : tail) {
        KeptOccurrences.add(kept, e.event(), e.occurrence(), maxOccurrences, e.oldest());
      }
    }
    return kept;
  }

  private List<TailEntry> decodeTail(String tail) {
    return isEmpty(tail) ? List.of() : tails.decode(tail);
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<Occurrence>> decodeEvents(String raw) {
    if (isEmpty(raw)) {
      return new LinkedHashMap<>();
    }
    try {
      Map<String, List<List<Object>>> events = json.readValue(raw, EVENTS);
      Map<String, List<Occurrence>> result = new LinkedHashMap<>();
      events.forEach(
          (name, list) -> {
            List<Occurrence> occurrences = new ArrayList<>(list.size());
            for (List<Object> o : list) {
              occurrences.add(
                  new Occurrence(
                      (String) o.get(0),
                      ((Number) o.get(1)).longValue(),
                      o.size() > 2 && o.get(2) instanceof Map<?, ?> p
                          ? (Map<String, Object>) p
                          : Map.of()));
            }
            result.put(name, occurrences);
          });
      return result;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable profile events", e);
    }
  }

  public ProfileStateEntity newRow(String workspaceId, String profileId) {
    ProfileStateEntity row = new ProfileStateEntity();
    row.key = ProfileStateEntity.key(workspaceId, profileId);
    row.workspaceId = workspaceId;
    row.profileId = profileId;
    return row;
  }

  /** Writes the data parts of {@code state} into {@code row}. */
  public void encodeData(ProfileState state, ProfileStateEntity row) {
    row.version = state.version;
    row.deleted = state.deleted;
    try {
      if (!state.snapshotAsDecoded(row.snapshot)) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("traits", state.traits);
        snapshot.put("computed", state.computed);
        snapshot.put("consent", state.consent);
        row.snapshot = json.writeValueAsString(snapshot);
      }
      if (!state.eventsLoaded()) {
        // occurrences never read: the stored ones are unchanged, new ones go to the tail
        if (!state.appended().isEmpty()) {
          row.eventsTail =
              (row.eventsTail == null ? "" : row.eventsTail) + tails.encode(state.appended());
        }
      } else if (state.eventsChanged()) {
        row.events = encodeEvents(state.events());
        row.eventsTail = null; // folded in
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode profile state", e);
    }
    encodeSegments(state, row);
  }

  private String encodeEvents(Map<String, List<Occurrence>> kept) throws JsonProcessingException {
    Map<String, List<List<Object>>> encoded = new LinkedHashMap<>();
    kept.forEach(
        (name, list) -> {
          if (!list.isEmpty()) {
            List<List<Object>> occurrences = new ArrayList<>(list.size());
            for (Occurrence o : list) {
              occurrences.add(
                  o.properties().isEmpty()
                      ? List.of(o.id(), o.at())
                      : List.of(o.id(), o.at(), o.properties()));
            }
            encoded.put(name, occurrences);
          }
        });
    return json.writeValueAsString(encoded);
  }

  public void encodeSegments(ProfileState state, ProfileStateEntity row) {
    String segments = String.join(" ", state.segments);
    if (!segments.equals(row.segments == null ? "" : row.segments)) {
      row.segments = segments;
    }
  }
}
