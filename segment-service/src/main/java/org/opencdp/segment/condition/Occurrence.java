package org.opencdp.segment.condition;

import java.util.Map;

/**
 * One kept occurrence of an event: its id (dedup), when it happened (epoch millis) and its scalar
 * properties.
 */
public record Occurrence(String id, long at, Map<String, Object> properties) {}
