package org.opencdp.activation.config;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.opencdp.activation.campaign.Campaign;
import org.opencdp.activation.campaign.CampaignDefinition;
import org.opencdp.activation.campaign.CampaignService;
import org.opencdp.activation.delivery.Message;
import org.opencdp.contracts.DeliveryResult;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.contracts.Identifier;
import org.opencdp.contracts.IdentityChange;
import org.opencdp.contracts.PrivacyRequest;
import org.opencdp.contracts.PrivacyStatus;
import org.opencdp.contracts.ProfileChanged;
import org.opencdp.contracts.SegmentMembershipChanged;

/**
 * Types Jackson reads and writes by reflection outside REST signatures (Kafka payloads, the
 * delivery message stored as JSON with each delivery, the campaign definition stored as JSON with
 * each campaign): a native executable must know them.
 */
@RegisterForReflection(
    targets = {
      DeliveryResult.class,
      DeliveryResult.Status.class,
      EventEnvelope.class,
      EventType.class,
      Identifier.class,
      IdentityChange.class,
      IdentityChange.Kind.class,
      PrivacyRequest.class,
      PrivacyRequest.Kind.class,
      PrivacyStatus.class,
      PrivacyStatus.State.class,
      ProfileChanged.class,
      SegmentMembershipChanged.class,
      SegmentMembershipChanged.Kind.class,
      Message.class,
      Campaign.class,
      CampaignDefinition.class,
      CampaignDefinition.Condition.class,
      CampaignDefinition.Step.class,
      CampaignDefinition.StepType.class,
      CampaignDefinition.Trigger.class,
      CampaignDefinition.TriggerType.class,
      CampaignService.CampaignView.class
    })
final class NativeRegistrations {
  private NativeRegistrations() {}
}
