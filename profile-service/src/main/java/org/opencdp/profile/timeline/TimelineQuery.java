package org.opencdp.profile.timeline;

import java.time.Instant;

/** Filters of a timeline page; any may be null. {@code cursor} comes from the previous page. */
public record TimelineQuery(
    String type, String name, Instant from, Instant to, String cursor, int limit) {}
