package org.opencdp.activation.campaign;

/** A stored campaign: its id, workspace and definition. */
public record Campaign(String id, String workspaceId, CampaignDefinition definition) {}
