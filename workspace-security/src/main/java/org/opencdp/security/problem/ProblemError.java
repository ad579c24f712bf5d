package org.opencdp.security.problem;

/**
 * One of several faults found in a request: where ({@code $.all[1].value}, a JSON path or field
 * name) and what, in words the caller can act on. Never personal data.
 */
public record ProblemError(String path, String detail) {}
