package org.opencdp.segment.privacy;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.segment.evaluation.ProfileEvaluator;

/**
 * This service's part of a privacy request ({@code cdp.privacy.requests}); the answer on {@code
 * cdp.privacy.status} is sent by the consumer once this completes.
 *
 * <ul>
 *   <li>DELETE: {@link ProfileErasure} (the profile and the profiles merged into it leave every
 *       segment silently; state, history and timers erased).
 *   <li>ANONYMIZE: the traits go, behaviour stays ({@link ProfileEvaluator#onAnonymize}).
 *   <li>SUPPRESS: nothing to do here. Suppression is enforced where data enters (the gateway
 *       refuses the person's events) and where people are contacted (the activation-service refuses
 *       to activate them); keeping the membership keeps segment counts true, and membership
 *       messages about a suppressed person are dropped by the activation-service.
 * </ul>
 */
@ApplicationScoped
public class PrivacyService {
  /** This service's name in {@code PrivacyStatus.service} (the profile-service's participant). */
  public static final String SERVICE_NAME = "segment-service";

  private final ProfileErasure erasure;
  private final ProfileEvaluator evaluator;

  PrivacyService(ProfileErasure erasure, ProfileEvaluator evaluator) {
    this.erasure = erasure;
    this.evaluator = evaluator;
  }

  public Uni<Void> carryOut(PrivacyRequest request) {
    return switch (request.kind()) {
      case DELETE -> erasure.erase(request.workspaceId(), request.profileId());
      case ANONYMIZE -> evaluator.onAnonymize(request.workspaceId(), request.profileId());
      case SUPPRESS -> Uni.createFrom().voidItem();
    };
  }
}
