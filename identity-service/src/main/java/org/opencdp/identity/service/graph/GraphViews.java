package org.opencdp.identity.service.graph;

import java.time.Instant;
import java.util.List;
import org.opencdp.contracts.Identifier;

/** Read models of the graph returned by {@link GraphService}. */
public final class GraphViews {
  private GraphViews() {}

  /** One identifier with its provenance. */
  public record IdentifierView(
      String type,
      String value,
      String profileId,
      String originProfileId,
      String causingEventKey,
      Instant addedAt) {}

  /**
   * A profile and its identifiers. For a merged profile, {@code activeProfileId} is where its
   * identifiers are now.
   */
  public record ProfileGraph(
      String profileId,
      String status,
      String mergedInto,
      String activeProfileId,
      Instant createdAt,
      List<IdentifierView> identifiers) {}

  /** One merge and the identifiers it moved. */
  public record MergeView(
      String mergeId,
      String survivorProfileId,
      String mergedProfileId,
      String reason,
      String causingEventKey,
      Instant occurredAt,
      Instant undoneAt,
      String undoChangeId,
      List<Identifier> identifiers) {}
}
