package org.opencdp.identity.service.resolution;

import java.util.List;
import org.opencdp.contracts.IdentityChange;

/**
 * The outcome of resolving one event.
 *
 * @param profileId the profile the event belongs to
 * @param changes identity changes to publish (MERGED), in the order they happened
 */
public record Resolution(
    String profileId, Outcome outcome, List<IdentityChange> changes, int rejectedIdentifiers) {

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
    REPLAYED
  }
}
