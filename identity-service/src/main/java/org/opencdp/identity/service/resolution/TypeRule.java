package org.opencdp.identity.service.resolution;

/**
 * How one identifier type takes part in resolution.
 *
 * @param priority 1 is the highest; when linking would breach a limit, the identifier of lower
 *     priority is dropped
 * @param limit the most identifiers of this type one profile may hold
 * @param traitKey for custom types: the key read from {@code traits} and {@code context.traits};
 *     null for built-in types and types that only arrive through {@code context.externalIds}
 */
public record TypeRule(String type, int priority, int limit, String traitKey) {}
