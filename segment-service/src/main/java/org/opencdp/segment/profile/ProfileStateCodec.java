package org.opencdp.segment.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.segment.condition.Occurrence;

/** Converts between the stored row and {@link ProfileState}. */
@ApplicationScoped
public class ProfileStateCodec {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, List<List<Object>>>> EVENTS =
      new TypeReference<>() {};

  private final ObjectMapper json;

  public ProfileStateCodec(ObjectMapper json) {
    this.json = json;
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
      if (row.events != null && !row.events.isEmpty() && !row.events.equals("{}")) {
        String raw = row.events;
        state.decodeEventsLazily(ignored -> decodeEvents(raw));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable profile state row", e);
    }
    if (row.segments != null && !row.segments.isBlank()) {
      state.segments.addAll(List.of(row.segments.trim().split(" ")));
    }
    return state;
  }

  @SuppressWarnings("unchecked")
  private Map<String, List<Occurrence>> decodeEvents(String raw) {
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
        encodeSegments(state, row);
        return; // occurrences never read, so unchanged
      }
      Map<String, List<List<Object>>> events = new LinkedHashMap<>();
      state
          .events()
          .forEach(
              (name, list) -> {
                if (!list.isEmpty()) {
                  List<List<Object>> encoded = new ArrayList<>(list.size());
                  for (Occurrence o : list) {
                    encoded.add(
                        o.properties().isEmpty()
                            ? List.of(o.id(), o.at())
                            : List.of(o.id(), o.at(), o.properties()));
                  }
                  events.put(name, encoded);
                }
              });
      row.events = json.writeValueAsString(events);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode profile state", e);
    }
    encodeSegments(state, row);
  }

  public void encodeSegments(ProfileState state, ProfileStateEntity row) {
    String segments = String.join(" ", state.segments);
    if (!segments.equals(row.segments == null ? "" : row.segments)) {
      row.segments = segments;
    }
  }
}
