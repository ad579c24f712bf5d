package org.opencdp.profile.timeline;

import java.time.Instant;
import java.util.Map;

/** One event as kept on the timeline: its original payload (protected paths revealed). */
public record TimelineEntry(
    String eventKey,
    String messageId,
    String type,
    String name,
    Instant timestamp,
    Map<String, Object> payload) {}
