package org.opencdp.identity.service.resolution;

import org.opencdp.contracts.Identifier;

/**
 * An identifier of an event that resolution did not link, and why.
 *
 * @param rule BLOCKED (matches a blocked value pattern), LIMIT (linking would breach a per-profile
 *     limit), SPLIT (linking would join profiles an operator split apart) or INVALID (unusable
 *     value, e.g. too long)
 * @param profileId the profile it belongs to, when it exists
 */
public record Rejected(Identifier identifier, String rule, String detail, String profileId) {
  public static final String BLOCKED = "BLOCKED";
  public static final String LIMIT = "LIMIT";
  public static final String INVALID = "INVALID";
  public static final String SPLIT = "SPLIT";
}
