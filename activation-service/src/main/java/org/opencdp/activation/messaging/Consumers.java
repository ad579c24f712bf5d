package org.opencdp.activation.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.activation.journey.TriggerService;
import org.opencdp.activation.profile.MergeService;
import org.opencdp.activation.profile.PrivacyService;
import org.opencdp.activation.profile.SnapshotChange;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.SegmentMembershipChanged;

/**
 * The inputs: profile snapshots ({@code cdp.profiles.changed}), segment membership changes ({@code
 * cdp.segments.membership}), resolved events ({@code cdp.events.resolved}), identity merges ({@code
 * cdp.identity.merges}) and privacy requests. Offsets are committed after the batch's writes are
 * durable.
 */
@ApplicationScoped
public class Consumers {
  static final String SERVICE = "activation-service";

  private final KeyedBatch batches;
  private final TriggerService triggers;
  private final PrivacyService privacy;
  private final MergeService merges;
  private final MutinyEmitter<String> privacyStatus;
  private final Clock clock;
  private final ObjectMapper json;

  Consumers(
      KeyedBatch batches,
      TriggerService triggers,
      PrivacyService privacy,
      MergeService merges,
      @Channel(Channels.PRIVACY_STATUS_OUT) MutinyEmitter<String> privacyStatus,
      Clock clock,
      ObjectMapper json) {
    this.batches = batches;
    this.triggers = triggers;
    this.privacy = privacy;
    this.merges = merges;
    this.privacyStatus = privacyStatus;
    this.clock = clock;
    this.json = json;
  }

  /** Privacy requests: carried out here, then answered DONE on {@code cdp.privacy.status}. */
  @Incoming(Channels.PRIVACY)
  @Blocking
  public void privacyRequests(ConsumerRecords<String, String> records) {
    batches.process(
        records,
        payload -> {
          PrivacyRequest request = read(payload, PrivacyRequest.class);
          if (request.requestId() == null
              || request.workspaceId() == null
              || request.profileId() == null
              || request.kind() == null) {
            throw new KeyedBatch.PoisonMessage(
                "PrivacyRequest without requestId, workspaceId, profileId or kind");
          }
          privacy.apply(request);
          PrivacyStatus status =
              PrivacyStatus.answer(
                  request, SERVICE, PrivacyStatus.State.DONE, null, clock.instant());
          try {
            privacyStatus
                .sendMessage(
                    Message.of(json.writeValueAsString(status))
                        .addMetadata(
                            OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(status.partitionKey())
                                .build()))
                .await()
                .indefinitely();
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("privacy status not writable", e);
          }
        });
  }

  /** Identity merges: what is keyed by the merged profile id follows the survivor. */
  @Incoming(Channels.MERGES)
  @Blocking
  public void merges(ConsumerRecords<String, String> records) {
    batches.process(
        records,
        payload -> {
          IdentityChange change = read(payload, IdentityChange.class);
          if (change.changeId() == null
              || change.workspaceId() == null
              || change.kind() == null
              || change.survivorProfileId() == null
              || change.mergedProfileId() == null) {
            throw new KeyedBatch.PoisonMessage(
                "IdentityChange without changeId, workspaceId, kind or profile ids");
          }
          merges.apply(change);
        });
  }

  /** Profile snapshots: only the newest state of each profile in the poll matters. */
  @Incoming(Channels.PROFILES)
  @Blocking
  public void profiles(ConsumerRecords<String, String> records) {
    batches.processNewest(
        records,
        payload -> {
          try {
            return SnapshotChange.read(json, payload);
          } catch (IllegalArgumentException unreadable) {
            throw new KeyedBatch.PoisonMessage(unreadable.getMessage());
          }
        },
        triggers::onProfiles);
  }

  @Incoming(Channels.MEMBERSHIP)
  @Blocking
  public void memberships(ConsumerRecords<String, String> records) {
    batches.processInRounds(
        records,
        payload -> {
          SegmentMembershipChanged change = read(payload, SegmentMembershipChanged.class);
          if (change.workspaceId() == null
              || change.profileId() == null
              || change.segmentId() == null
              || change.kind() == null
              || change.changeId() == null) {
            throw new KeyedBatch.PoisonMessage(
                "SegmentMembershipChanged without workspaceId, profileId, segmentId, kind or changeId");
          }
          return change;
        },
        triggers::onMemberships);
  }

  /**
   * Resolved events: only those that an active campaign of their workspace names (trigger or exit
   * event) are read in full and handled; the others are recognised from their first top-level
   * fields.
   */
  @Incoming(Channels.EVENTS)
  @Blocking
  public void events(ConsumerRecords<String, String> records) {
    batches.process(
        records,
        payload -> {
          EventHeader header = EventHeader.read(json.getFactory(), payload, triggers::names);
          return header.named() && header.profileId() != null;
        },
        payload -> {
          EventEnvelope event = read(payload, EventEnvelope.class);
          if (event.workspaceId() == null || event.messageId() == null) {
            throw new KeyedBatch.PoisonMessage("event without workspaceId or messageId");
          }
          triggers.onEvent(event);
        });
  }

  private <T> T read(String payload, Class<T> type) {
    if (payload == null) {
      throw new KeyedBatch.PoisonMessage("empty message");
    }
    try {
      return json.readValue(payload, type);
    } catch (Exception e) {
      throw new KeyedBatch.PoisonMessage("unreadable " + type.getSimpleName());
    }
  }
}
