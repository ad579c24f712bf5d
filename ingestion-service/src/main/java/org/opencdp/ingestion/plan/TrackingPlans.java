package org.opencdp.ingestion.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.opencdp.ingestion.problem.ProblemException;
import org.opencdp.ingestion.source.Source.PlanMode;

/** Validates and compiles tracking plans (JSON Schema draft 2020-12). */
@ApplicationScoped
public class TrackingPlans {
  private final JsonSchemaFactory factory =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final JsonSchema metaSchema =
      factory.getSchema(java.net.URI.create("https://json-schema.org/draft/2020-12/schema"));
  private final ObjectMapper mapper;

  TrackingPlans(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * Checks a plan document {@code {"events": {name: schema}, "identifyTraits": schema}} and returns
   * it in canonical JSON; a 400 names the schema that is wrong.
   */
  public String validate(JsonNode plan) {
    if (plan == null || plan.isNull()) {
      return null;
    }
    if (!plan.isObject()) {
      throw ProblemException.badRequest("A tracking plan must be an object with \"events\".");
    }
    JsonNode events = plan.path("events");
    if (!events.isMissingNode() && !events.isObject()) {
      throw ProblemException.badRequest("\"events\" must map event names to JSON Schemas.");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = events.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      checkSchema("events." + entry.getKey(), entry.getValue());
    }
    if (plan.has("identifyTraits")) {
      checkSchema("identifyTraits", plan.get("identifyTraits"));
    }
    return plan.toString();
  }

  public TrackingPlan compile(PlanMode mode, String planJson) {
    if (mode == PlanMode.ALLOW || planJson == null) {
      return mode == PlanMode.ALLOW
          ? TrackingPlan.ALLOW_ALL
          : new TrackingPlan(mode, Map.of(), null);
    }
    try {
      JsonNode plan = mapper.readTree(planJson);
      Map<String, JsonSchema> schemas = new HashMap<>();
      plan.path("events")
          .fields()
          .forEachRemaining(e -> schemas.put(e.getKey(), factory.getSchema(e.getValue())));
      JsonNode traits = plan.get("identifyTraits");
      return new TrackingPlan(
          mode, Map.copyOf(schemas), traits == null ? null : factory.getSchema(traits));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("stored tracking plan is not JSON", e);
    }
  }

  private void checkSchema(String where, JsonNode schema) {
    if (!schema.isObject() && !schema.isBoolean()) {
      throw ProblemException.badRequest(where + " must be a JSON Schema object.");
    }
    Set<ValidationMessage> problems = metaSchema.validate(schema);
    if (!problems.isEmpty()) {
      throw ProblemException.badRequest(
          where + " is not a valid JSON Schema: " + problems.iterator().next().getMessage());
    }
  }
}
