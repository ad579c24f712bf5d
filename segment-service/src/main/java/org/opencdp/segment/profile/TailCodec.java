package org.opencdp.segment.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opencdp.segment.condition.Occurrence;

/**
 * The text of {@code profile_state.events_tail}: one JSON array per line, {@code [event, oldest,
 * id, at]} or {@code [event, oldest, id, at, {properties}]}, each line ending with a newline.
 * Appending is concatenating text, and the number of entries is the number of newlines (JSON never
 * holds a raw newline: Jackson escapes it inside strings).
 */
final class TailCodec {
  private static final TypeReference<List<List<Object>>> ENTRIES = new TypeReference<>() {};

  private final ObjectMapper json;

  TailCodec(ObjectMapper json) {
    this.json = json;
  }

  String encode(List<TailEntry> entries) throws JsonProcessingException {
    StringBuilder text = new StringBuilder(entries.size() * 96);
    for (TailEntry e : entries) {
      Occurrence o = e.occurrence();
      text.append(
              json.writeValueAsString(
                  o.properties().isEmpty()
                      ? List.of(e.event(), e.oldest(), o.id(), o.at())
                      : List.of(e.event(), e.oldest(), o.id(), o.at(), o.properties())))
          .append('\n');
    }
    return text.toString();
  }

  /** Number of entries: newlines found by {@code indexOf} (intrinsic, far faster than charAt). */
  static int entries(String tail) {
    int lines = 0;
    for (int i = tail.indexOf('\n'); i >= 0; i = tail.indexOf('\n', i + 1)) {
      lines++;
    }
    return lines;
  }

  @SuppressWarnings("unchecked")
  List<TailEntry> decode(String tail) {
    String array = "[" + tail.strip().replace('\n', ',') + "]";
    try {
      List<List<Object>> rows = json.readValue(array, ENTRIES);
      List<TailEntry> entries = new ArrayList<>(rows.size());
      for (List<Object> r : rows) {
        entries.add(
            new TailEntry(
                (String) r.get(0),
                new Occurrence(
                    (String) r.get(2),
                    ((Number) r.get(3)).longValue(),
                    r.size() > 4 && r.get(4) instanceof Map<?, ?> p
                        ? (Map<String, Object>) p
                        : Map.of()),
                ((Number) r.get(1)).longValue()));
      }
      return entries;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable profile events tail", e);
    }
  }
}
