package org.opencdp.identity.service.privacy;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.opencdp.contracts.PrivacyRequest;

/**
 * This service's part of a privacy request ({@code cdp.privacy.requests}); the consumer answers on
 * {@code cdp.privacy.status} once it completed.
 *
 * <ul>
 *   <li>DELETE: the person's profiles, identifiers and graph history are erased ({@link
 *       PersonErasure}).
 *   <li>ANONYMIZE: the same erasure. The graph holds nothing but identifiers and the links between
 *       them, all of which identify the person; there is no behavioural data here to keep. The
 *       profile id stays wherever other services keep the anonymous behaviour.
 *   <li>SUPPRESS: nothing to change. The gateway refuses the person's future events and the
 *       activation-service stops contacting them; the graph stays so that the person's profile can
 *       still be looked up (and deleted later).
 * </ul>
 */
@ApplicationScoped
public class PrivacyService {
  /**
   * This service's name in {@code PrivacyStatus.service} (a participant the profile-service
   * awaits).
   */
  public static final String SERVICE_NAME = "identity-service";

  private final PersonErasure erasure;

  PrivacyService(PersonErasure erasure) {
    this.erasure = erasure;
  }

  /** Carries the request out; the result says what was erased (nothing for SUPPRESS). */
  public Uni<PersonErasure.Erased> carryOut(PrivacyRequest request) {
    return switch (request.kind()) {
      case DELETE ->
          erasure.erase(
              request.workspaceId(), request.profileId(), request.requestId(), "PRIVACY_DELETE");
      case ANONYMIZE ->
          erasure.erase(
              request.workspaceId(), request.profileId(), request.requestId(), "PRIVACY_ANONYMIZE");
      case SUPPRESS -> Uni.createFrom().item(new PersonErasure.Erased(0, 0));
    };
  }
}
