package org.opencdp.activation.profile;

import java.util.List;
import java.util.Map;
import org.opencdp.contracts.Identifier;

/** The latest profile state activation knows, from ProfileChanged. */
public record Snapshot(
    String workspaceId,
    String profileId,
    long version,
    Map<String, Object> traits,
    Map<String, Boolean> consent,
    List<Identifier> identifiers,
    boolean deleted) {

  /** The first identifier of a type, or the trait of the same meaning. */
  public String contact(String identifierType, String trait) {
    Object value = traits.get(trait);
    if (value instanceof String s && !s.isBlank()) {
      return s.trim();
    }
    return identifiers.stream()
        .filter(i -> identifierType.equals(i.type()))
        .map(Identifier::value)
        .findFirst()
        .orElse(null);
  }
}
