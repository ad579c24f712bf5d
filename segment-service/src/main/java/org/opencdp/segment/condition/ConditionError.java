package org.opencdp.segment.condition;

/**
 * One thing wrong with a condition: where ({@code $.all[1].value}, a JSON path from the condition
 * root) and what, in words a marketer can act on.
 */
public record ConditionError(String path, String detail) {}
