package org.opencdp.ingestion.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;

/**
 * The gateway's part of privacy requests. SUPPRESS: remember the person's identifiers (hashed) and
 * refuse their future events. DELETE and ANONYMIZE: erase the refused-event payloads that name them
 * (the only personal data the gateway keeps; import files are cleared when their job ends). Then
 * answer on {@code cdp.privacy.status}.
 */
@ApplicationScoped
class PrivacyRequests {
  static final String SERVICE = "ingestion-service";

  private final ObjectMapper mapper;
  private final Suppressions suppressions;
  private final MutinyEmitter<PrivacyStatus> status;

  PrivacyRequests(
      ObjectMapper mapper,
      Suppressions suppressions,
      @Channel("privacy-status") MutinyEmitter<PrivacyStatus> status) {
    this.mapper = mapper;
    this.suppressions = suppressions;
    this.status = status;
  }

  @Incoming("privacy-requests")
  Uni<Void> onRequest(String json) throws Exception {
    PrivacyRequest request = mapper.readValue(json, PrivacyRequest.class);
    List<Identifier> identifiers =
        request.identifiers() == null ? List.of() : request.identifiers();
    Uni<Void> work =
        switch (request.kind()) {
          case SUPPRESS -> suppress(request, identifiers);
          case DELETE, ANONYMIZE -> eraseRejectedPayloads(request.workspaceId(), identifiers);
        };
    return work.flatMap(ignored -> answer(request));
  }

  private Uni<Void> suppress(PrivacyRequest request, List<Identifier> identifiers) {
    List<SuppressedIdentifier> rows = new ArrayList<>();
    for (Identifier identifier : identifiers) {
      SuppressedIdentifier row = new SuppressedIdentifier();
      row.identifierHash =
          suppressions.hash(request.workspaceId(), identifier.type(), identifier.value());
      row.workspaceId = request.workspaceId();
      row.requestId = request.requestId();
      row.createdAt = Instant.now();
      rows.add(row);
    }
    return Panache.withTransaction(
            () ->
                Panache.getSession()
                    .flatMap(
                        session ->
                            io.smallrye.mutiny.Multi.createFrom()
                                .iterable(rows)
                                .onItem()
                                .transformToUniAndConcatenate(session::merge)
                                .collect()
                                .asList()))
        .call(suppressions::invalidate)
        .replaceWithVoid();
  }

  /** Refused events are JSON text: a row naming one of the identifiers as a value is erased. */
  private Uni<Void> eraseRejectedPayloads(String workspaceId, List<Identifier> identifiers) {
    return Panache.withTransaction(
            () ->
                io.smallrye.mutiny.Multi.createFrom()
                    .iterable(identifiers)
                    .onItem()
                    .transformToUniAndConcatenate(
                        identifier ->
                            Panache.getSession()
                                .flatMap(
                                    session ->
                                        session
                                            .createMutationQuery(
                                                "delete from RejectedEvent where workspaceId = ?1 and payload like ?2")
                                            .setParameter(1, workspaceId)
                                            .setParameter(
                                                2, "%\"" + escapeLike(identifier.value()) + "\"%")
                                            .executeUpdate()))
                    .collect()
                    .asList())
        .replaceWithVoid();
  }

  private Uni<Void> answer(PrivacyRequest request) {
    PrivacyStatus done =
        PrivacyStatus.answer(request, SERVICE, PrivacyStatus.State.DONE, null, Instant.now());
    return status.sendMessage(
        Message.of(done)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(done.partitionKey())
                    .build()));
  }

  private static String escapeLike(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
