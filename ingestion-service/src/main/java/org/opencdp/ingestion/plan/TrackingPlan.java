package org.opencdp.ingestion.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opencdp.contracts.EventEnvelope;
import org.opencdp.contracts.EventType;
import org.opencdp.ingestion.source.Source.PlanMode;

/**
 * A source's compiled tracking plan: a JSON Schema per track event name (for its properties) and
 * one for identify traits. Page, screen, group and alias calls are not planned.
 */
public record TrackingPlan(
    PlanMode mode, Map<String, JsonSchema> eventSchemas, JsonSchema identifyTraits) {

  public static final TrackingPlan ALLOW_ALL = new TrackingPlan(PlanMode.ALLOW, Map.of(), null);

  /** The violations of one event (empty when it conforms or the plan allows everything). */
  public List<String> violations(EventEnvelope event, JsonNode properties, JsonNode traits) {
    if (mode == PlanMode.ALLOW) {
      return List.of();
    }
    if (event.type() == EventType.TRACK) {
      JsonSchema schema = eventSchemas.get(event.event());
      if (schema == null) {
        return List.of("Event \"" + event.event() + "\" is not in the tracking plan.");
      }
      return describe("properties", schema.validate(properties));
    }
    if (event.type() == EventType.IDENTIFY && identifyTraits != null) {
      return describe("traits", identifyTraits.validate(traits));
    }
    return List.of();
  }

  private static List<String> describe(String root, Set<ValidationMessage> messages) {
    List<String> violations = new ArrayList<>(messages.size());
    for (ValidationMessage message : messages) {
      violations.add(root + ": " + message.getMessage());
    }
    return violations;
  }
}
