package org.opencdp.identity.rest;

import java.time.Instant;
import java.util.List;

/** Request and response bodies of the API (separate from the stored entities). */
public final class ApiDocuments {
  private ApiDocuments() {}

  /** Body of POST .../profiles/{profileId}/detach. */
  public record DetachRequest(String type, String value, String reason) {}

  /** Body of POST .../merges/{mergeId}/undo. */
  public record UndoRequest(String reason) {}

  /** Body of POST .../splits/{splitId}/lift. */
  public record LiftRequest(String reason) {}

  /**
   * Two profiles an operator separated. {@code profileA}/{@code profileB} are the active profiles
   * the split applies to now (it follows merges); the origin fields are the profiles at the time.
   */
  public record SplitDocument(
      String splitId,
      String cause,
      String profileA,
      String profileB,
      String originProfileA,
      String originProfileB,
      String identifierType,
      String identifierValue,
      String mergeId,
      String changeId,
      String reason,
      String actor,
      Instant createdAt,
      Instant liftedAt,
      String liftedBy,
      String liftReason) {}

  /** A workspace's resolution rules; {@code custom} is false when the defaults apply. */
  public record RulesDocument(
      List<TypeRuleDocument> identifierTypes,
      Integer defaultPriority,
      Integer defaultLimit,
      List<BlockedValueDocument> blockedValues,
      Boolean custom) {}

  /** An identifier type: priority 1 is the highest; limit is per profile. */
  public record TypeRuleDocument(String type, Integer priority, Integer limit, String traitKey) {}

  /** A blocked value: a Java regex matched against the whole value, case-insensitively. */
  public record BlockedValueDocument(String pattern, String type) {}

  public record RejectionDocument(
      String eventKey,
      String type,
      String value,
      String rule,
      String detail,
      String profileId,
      Instant occurredAt) {}

  public record AuditDocument(
      String action,
      String actor,
      String target,
      String reason,
      String changeId,
      Instant occurredAt) {}
}
