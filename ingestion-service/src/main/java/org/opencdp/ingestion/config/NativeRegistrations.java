package org.opencdp.ingestion.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.contracts.DeliveryResult;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.ingestion.source.ConfigAsCode;
import org.opencdp.ingestion.tracking.JsonObjectMap;

/**
 * Types Jackson reads or writes by reflection outside REST signatures (Kafka payloads, the
 * config-as-code file): a native executable must know them at build time.
 */
@RegisterForReflection(
    targets = {
      EventEnvelope.class,
      EventType.class,
      Identifier.class,
      DeliveryResult.class,
      DeliveryResult.Status.class,
      PrivacyRequest.class,
      PrivacyRequest.Kind.class,
      PrivacyStatus.class,
      PrivacyStatus.State.class,
      ConfigAsCode.File.class,
      ConfigAsCode.WorkspaceDecl.class,
      ConfigAsCode.SourceDecl.class,
      ConfigAsCode.SecretDecl.class,
      // Jackson creates the serializer named by @JsonSerialize reflectively.
      JsonObjectMap.AsTree.class
    })
final class NativeRegistrations {
  private NativeRegistrations() {}
}
