package org.opencdp.identity.service.resolution;

import java.util.Collection;
import java.util.List;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;

/**
 * The outcome of resolving one event.
 *
 * @param profileId the profile the event belongs to; null when {@link Outcome#ERASED}
 * @param changes identity changes to publish (MERGED), in the order they happened
 * @param erasedIdentifiers identifiers of the event left out because a privacy request erased them
 *     after the event was received
 * @param erasedValues identifiers of the event (candidates, replays included) erased after it was
 *     received: their values must be removed from what is published
 */
public record Resolution(
    String profileId,
    Outcome outcome,
    List<IdentityChange> changes,
    int rejectedIdentifiers,
    int erasedIdentifiers,
    List<Identifier> erasedValues) {

  public Resolution(
      String profileId, Outcome outcome, List<IdentityChange> changes, int rejectedIdentifiers) {
    this(profileId, outcome, changes, rejectedIdentifiers, 0, List.of());
  }

  /** An event of an erased person: every identifier it names was erased after it was received. */
  public static Resolution erased(int erasedIdentifiers) {
    return new Resolution(null, Outcome.ERASED, List.of(), 0, erasedIdentifiers, List.of());
  }

  public Resolution withErasedIdentifiers(int erased) {
    return new Resolution(profileId, outcome, changes, rejectedIdentifiers, erased, erasedValues);
  }

  /** The same resolution, publishing the event without the values of these erased identifiers. */
  public Resolution withErasedValues(Collection<Identifier> erased) {
    return erased.isEmpty()
        ? this
        : new Resolution(
            profileId,
            outcome,
            changes,
            rejectedIdentifiers,
            erasedIdentifiers,
            List.copyOf(erased));
  }

  public enum Outcome {
    /** Every identifier was known and belonged to one profile. */
    KNOWN,
    /** The event created a profile. */
    CREATED,
    /** New identifiers were attached to an existing profile. */
    EXTENDED,
    /** The event joined profiles. */
    MERGED,
    /** The event was processed before; nothing changed. */
    REPLAYED,
    /**
     * The event belongs to a person erased after the gateway received it: nothing was linked or
     * recorded and nothing is published.
     */
    ERASED
  }
}
