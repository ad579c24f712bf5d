package org.opencdp.profile.profile;

import java.time.Instant;

/**
 * One change of a trait or consent category: {@code field} is {@code traits.plan} or {@code
 * consent.marketing}.
 *
 * @param id deterministic (event or change + profile + field), so re-recording is idempotent
 */
public record AuditEntry(
    String id,
    String field,
    Object oldValue,
    Object newValue,
    String source,
    String eventKey,
    Instant eventTime,
    Instant recordedAt) {}
