package org.opencdp.profile.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.privacy.PrivacyService;

/**
 * This service as a participant of privacy requests (it erases its own data from the same topic as
 * every other service), and as the collector of every service's status answers.
 */
@ApplicationScoped
public class PrivacyConsumers {
  private final PrivacyService privacy;
  private final ObjectMapper json;
  private final int maxRetries;

  PrivacyConsumers(PrivacyService privacy, ObjectMapper json, ProfileConfig config) {
    this.privacy = privacy;
    this.json = json;
    this.maxRetries = config.consumer().maxRetries();
  }

  @Incoming(Channels.PRIVACY_REQUESTS_IN)
  public Uni<Void> request(String payload) {
    return Retries.transient_(
        Uni.createFrom().deferred(() -> privacy.carryOut(parse(payload, PrivacyRequest.class))),
        maxRetries);
  }

  @Incoming(Channels.PRIVACY_STATUS_IN)
  public Uni<Void> status(String payload) {
    return Retries.transient_(
        Uni.createFrom().deferred(() -> privacy.record(parse(payload, PrivacyStatus.class))),
        maxRetries);
  }

  private <T> T parse(String payload, Class<T> type) {
    try {
      T value = json.readValue(payload, type);
      if (value == null) {
        throw new PoisonMessage("empty privacy message");
      }
      return value;
    } catch (PoisonMessage e) {
      throw e;
    } catch (Exception e) {
      throw new PoisonMessage("unreadable privacy message JSON");
    }
  }
}
