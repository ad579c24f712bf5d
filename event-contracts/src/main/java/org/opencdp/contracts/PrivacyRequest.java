package org.opencdp.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A privacy request every service must carry out on the data it holds about one person. Published
 * by the profile-service on {@link Topics#PRIVACY_REQUESTS}, keyed by workspace + profile id. Each
 * service answers with a {@link PrivacyStatus} on {@link PrivacyStatus#TOPIC}.
 *
 * <ul>
 *   <li>{@code DELETE}: erase everything held on the person (profile, events, identifiers,
 *       memberships, delivery logs).
 *   <li>{@code ANONYMIZE}: forget who the person is (identifiers, traits) but keep behavioural data
 *       that no longer identifies them.
 *   <li>{@code SUPPRESS}: refuse future events carrying any of {@code identifiers} (at the gateway)
 *       and stop activating the person.
 * </ul>
 *
 * @param requestId unique id, consumers dedup on it and quote it in their status reply
 * @param identifiers every identifier known for the person when the request was made
 */
public record PrivacyRequest(
    String requestId,
    String workspaceId,
    Kind kind,
    String profileId,
    List<Identifier> identifiers,
    Instant requestedAt) {

  public enum Kind {
    DELETE,
    ANONYMIZE,
    SUPPRESS
  }

  public String partitionKey() {
    return workspaceId + ":" + profileId;
  }
}
