package org.opencdp.activation.journey;

import java.util.Map;

/** One profile's way through one campaign. */
public record Journey(
    String id,
    String workspaceId,
    String campaignId,
    String profileId,
    String triggerKey,
    int step,
    int waits,
    Map<String, Object> context) {}
