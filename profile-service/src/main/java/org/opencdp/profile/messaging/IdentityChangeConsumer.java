package org.opencdp.profile.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.profile.ProfileMerges;

/** Consumes {@code cdp.identity.merges}: merges, unmerges and detached identifiers. */
@ApplicationScoped
public class IdentityChangeConsumer {
  private final ProfileMerges merges;
  private final ObjectMapper json;
  private final int maxRetries;

  IdentityChangeConsumer(ProfileMerges merges, ObjectMapper json, ProfileConfig config) {
    this.merges = merges;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.IDENTITY_MERGES)
  public Uni<Void> consume(String payload) {
    return Retries.transient_(
        Uni.createFrom().deferred(() -> merges.apply(parse(payload))), maxRetries);
  }

  private IdentityChange parse(String payload) {
    try {
      return json.readValue(payload, IdentityChange.class);
    } catch (Exception e) {
      throw new PoisonMessage("unreadable identity change JSON");
    }
  }
}
