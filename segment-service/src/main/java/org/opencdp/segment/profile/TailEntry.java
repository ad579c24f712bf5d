package org.opencdp.segment.profile;

import org.opencdp.segment.condition.Occurrence;

/**
 * An occurrence appended without reading the kept ones, with the retention bound ({@code oldest},
 * epoch millis) of the moment it arrived: folding it in later gives exactly what adding it then
 * would have given.
 */
record TailEntry(String event, Occurrence occurrence, long oldest) {}
