package org.opencdp.ingestion.source;

import org.opencdp.ingestion.plan.TrackingPlan;

/** What the tracking path needs to know about the source a write key belongs to. */
public record SourceContext(
    String workspaceId, String sourceId, int rateLimitPerSecond, TrackingPlan trackingPlan) {}
