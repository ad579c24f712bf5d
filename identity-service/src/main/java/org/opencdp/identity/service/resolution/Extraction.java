package org.opencdp.identity.service.resolution;

import java.util.List;
import org.opencdp.contracts.Identifier;

/**
 * The identifiers found in one event.
 *
 * @param candidates usable identifiers, normalised and distinct
 * @param rejected identifiers dropped before resolution (blocked or invalid)
 * @param aliasPrevious the {@code previousId} of an alias call: a user id or an anonymous id,
 *     decided against the graph at resolution time; null otherwise
 */
public record Extraction(
    List<Identifier> candidates, List<Rejected> rejected, String aliasPrevious) {

  /**
   * Every identifier to lock and read: the candidates plus both readings of an alias previousId.
   */
  public List<Identifier> lockSet() {
    if (aliasPrevious == null) {
      return candidates;
    }
    var all = new java.util.LinkedHashSet<>(candidates);
    all.add(new Identifier(Identifier.USER_ID, aliasPrevious));
    all.add(new Identifier(Identifier.ANONYMOUS_ID, aliasPrevious));
    return List.copyOf(all);
  }
}
