package org.opencdp.identity.service.resolution;

import java.util.List;
import java.util.Set;
import org.opencdp.contracts.Identifier;

/**
 * What one event does to the graph.
 *
 * @param accepted identifiers linked to the resolved profile
 * @param created the accepted identifiers that do not exist yet
 * @param profiles the existing profiles the accepted identifiers belong to: more than one means a
 *     merge
 * @param rejected identifiers dropped because linking them would breach a limit
 */
public record LinkPlan(
    List<Identifier> accepted,
    List<Identifier> created,
    Set<String> profiles,
    List<Rejected> rejected) {}
