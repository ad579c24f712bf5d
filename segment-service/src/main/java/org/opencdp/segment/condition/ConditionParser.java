package org.opencdp.segment.condition;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates the JSON condition language (see README). Collects every error with its JSON
 * path instead of stopping at the first one, so that a marketer can fix a condition in one go.
 * Bounds: depth {@value #MAX_DEPTH}, {@value #MAX_NODES} conditions, {@value #MAX_VALUES} values
 * per list.
 */
public final class ConditionParser {
  public static final int MAX_DEPTH = 12;
  public static final int MAX_NODES = 200;
  public static final int MAX_VALUES = 1000;
  public static final int MAX_DAYS = 3650;
  private static final Pattern NAME = Pattern.compile("[^$.\\s][^$]{0,127}");
  private static final Set<String> KINDS =
      Set.of("all", "any", "not", "trait", "computed", "event", "segment", "consent");

  private final List<ConditionError> errors = new ArrayList<>();
  private final Map<String, String> segmentReferences = new LinkedHashMap<>();
  private int nodes;

  /** The result of a successful parse. */
  public record Parsed(Condition condition, Map<String, String> segmentReferences) {}

  private ConditionParser() {}

  /**
   * Parses {@code node}; {@code segmentReferences} of the result maps each referenced segment id to
   * the JSON path of its first reference (existence and cycles are checked by the caller).
   *
   * @throws InvalidConditionException with every error found
   */
  public static Parsed parse(JsonNode node) {
    ConditionParser parser = new ConditionParser();
    Condition condition = parser.condition(node, "$", 0);
    if (!parser.errors.isEmpty()) {
      throw new InvalidConditionException(parser.errors);
    }
    return new Parsed(condition, Map.copyOf(parser.segmentReferences));
  }

  private Condition condition(JsonNode node, String path, int depth) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return fail(path, "a condition is required here");
    }
    if (!node.isObject()) {
      return fail(path, "a condition is a JSON object such as {\"trait\": ..., \"op\": ...}");
    }
    if (++nodes > MAX_NODES) {
      return fail(path, "too many conditions: at most " + MAX_NODES + " per segment");
    }
    if (depth > MAX_DEPTH) {
      return fail(path, "conditions are nested too deep: at most " + MAX_DEPTH + " levels");
    }
    List<String> kinds = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            f -> {
              if (KINDS.contains(f)) {
                kinds.add(f);
              }
            });
    if (kinds.size() != 1) {
      return fail(
          path,
          kinds.isEmpty()
              ? "unknown condition: use exactly one of all, any, not, trait, computed, event,"
                  + " segment, consent"
              : "a condition has exactly one kind, found " + String.join(" and ", kinds));
    }
    String kind = kinds.get(0);
    return switch (kind) {
      case "all", "any" -> logical(node, kind, path, depth);
      case "not" -> {
        allowOnly(node, path, "not");
        Condition child = condition(node.get("not"), path + ".not", depth + 1);
        yield child == null ? null : new Condition.Not(child);
      }
      case "trait" -> value(node, ValueCondition.Source.TRAIT, path);
      case "computed" -> value(node, ValueCondition.Source.COMPUTED, path);
      case "event" -> event(node, path);
      case "segment" -> segment(node, path);
      default -> consent(node, path);
    };
  }

  private Condition logical(JsonNode node, String kind, String path, int depth) {
    allowOnly(node, path, kind);
    JsonNode list = node.get(kind);
    String at = path + "." + kind;
    if (!list.isArray() || list.isEmpty()) {
      return fail(at, "'" + kind + "' needs a non-empty list of conditions");
    }
    List<Condition> children = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      children.add(condition(list.get(i), at + "[" + i + "]", depth + 1));
    }
    return kind.equals("all") ? new Condition.All(children) : new Condition.Any(children);
  }

  private Condition value(JsonNode node, ValueCondition.Source source, String path) {
    String field = source == ValueCondition.Source.TRAIT ? "trait" : "computed";
    allowOnly(node, path, field, "op", "value", "values", "days");
    List<String> name = name(node.get(field), path + "." + field, true);
    ValuePredicate predicate = predicate(node, path, true);
    if (name == null || predicate == null) {
      return null;
    }
    return new ValueCondition(source, name.get(0), name, predicate);
  }

  private Condition event(JsonNode node, String path) {
    allowOnly(
        node,
        path,
        "event",
        "performed",
        "where",
        "atLeast",
        "atMost",
        "withinLastDays",
        "between");
    List<String> name = name(node.get("event"), path + ".event", false);
    boolean performed = true;
    JsonNode p = node.get("performed");
    if (p != null) {
      if (!p.isBoolean()) {
        fail(path + ".performed", "'performed' is true or false");
      } else {
        performed = p.booleanValue();
      }
    }
    List<EventCondition.PropertyFilter> filters = new ArrayList<>();
    JsonNode where = node.get("where");
    if (where != null) {
      if (!where.isArray()) {
        fail(path + ".where", "'where' is a list of property filters");
      } else {
        for (int i = 0; i < where.size(); i++) {
          String at = path + ".where[" + i + "]";
          JsonNode filter = where.get(i);
          if (!filter.isObject()) {
            fail(at, "a property filter is an object {\"property\": ..., \"op\": ...}");
            continue;
          }
          allowOnly(filter, at, "property", "op", "value", "values");
          List<String> property = name(filter.get("property"), at + ".property", true);
          ValuePredicate predicate = predicate(filter, at, false);
          if (property != null && predicate != null) {
            filters.add(new EventCondition.PropertyFilter(property, predicate));
          }
        }
      }
    }
    Integer atLeast = count(node.get("atLeast"), path + ".atLeast");
    Integer atMost = count(node.get("atMost"), path + ".atMost");
    if (!performed && (atLeast != null || atMost != null)) {
      fail(
          path,
          "'performed': false means never in the period; use 'atMost' instead of combining it"
              + " with counts");
    }
    if (atLeast != null && atMost != null && atLeast > atMost) {
      fail(path + ".atMost", "'atMost' (" + atMost + ") is below 'atLeast' (" + atLeast + ")");
    }
    Integer within = null;
    if (node.has("withinLastDays")) {
      within = days(node.get("withinLastDays"), path + ".withinLastDays");
    }
    Instant from = null;
    Instant to = null;
    JsonNode between = node.get("between");
    if (between != null) {
      if (within != null) {
        fail(path, "use either 'withinLastDays' or 'between', not both");
      }
      if (!between.isObject()) {
        fail(path + ".between", "'between' is {\"from\": date, \"to\": date}");
      } else {
        allowOnly(between, path + ".between", "from", "to");
        from = date(between.get("from"), path + ".between.from", false);
        to = date(between.get("to"), path + ".between.to", false);
        if (from == null
            && to == null
            && between.get("from") == null
            && between.get("to") == null) {
          fail(path + ".between", "'between' needs 'from', 'to' or both");
        }
        if (from != null && to != null && !from.isBefore(to)) {
          fail(path + ".between.to", "'to' must be after 'from'");
        }
      }
    }
    if (name == null) {
      return null;
    }
    int least = atLeast == null ? (atMost != null && atMost == 0 ? 0 : 1) : atLeast;
    return new EventCondition(
        name.get(0), performed, List.copyOf(filters), least, atMost, within, from, to);
  }

  private Condition segment(JsonNode node, String path) {
    allowOnly(node, path, "segment");
    JsonNode id = node.get("segment");
    if (!id.isTextual() || !SegmentIds.valid(id.asText())) {
      return fail(path + ".segment", "'segment' is the id of another segment of this workspace");
    }
    segmentReferences.putIfAbsent(id.asText(), path + ".segment");
    return new Condition.InSegment(id.asText());
  }

  private Condition consent(JsonNode node, String path) {
    allowOnly(node, path, "consent", "granted");
    List<String> category = name(node.get("consent"), path + ".consent", false);
    boolean granted = true;
    JsonNode g = node.get("granted");
    if (g != null) {
      if (!g.isBoolean()) {
        fail(path + ".granted", "'granted' is true or false");
      } else {
        granted = g.booleanValue();
      }
    }
    return category == null ? null : new Condition.Consent(category.get(0), granted);
  }

  private ValuePredicate predicate(JsonNode node, String path, boolean allowRelative) {
    JsonNode opNode = node.get("op");
    if (opNode == null || !opNode.isTextual()) {
      fail(path + ".op", "'op' is required: one of " + opNames());
      return null;
    }
    Op op = Op.parse(opNode.asText()).orElse(null);
    if (op == null) {
      fail(path + ".op", "unknown operator '" + opNode.asText() + "': use one of " + opNames());
      return null;
    }
    JsonNode value = node.get("value");
    JsonNode values = node.get("values");
    String vPath = path + ".value";
    switch (op) {
      case EXISTS, NOT_EXISTS -> {
        if (value != null || values != null || node.has("days")) {
          fail(path, "'" + op.wireName() + "' takes no value");
        }
        return new ValuePredicate(op, null, null, null, null);
      }
      case EQUALS, NOT_EQUALS, CONTAINS -> {
        if (value == null || !(value.isTextual() || value.isNumber() || value.isBoolean())) {
          fail(
              vPath, "'" + op.wireName() + "' needs a 'value' that is a string, number or boolean");
          return null;
        }
        return new ValuePredicate(op, scalar(value), null, null, null);
      }
      case IN, NOT_IN -> {
        if (values == null || !values.isArray() || values.isEmpty()) {
          fail(path + ".values", "'" + op.wireName() + "' needs a non-empty list 'values'");
          return null;
        }
        if (values.size() > MAX_VALUES) {
          fail(path + ".values", "at most " + MAX_VALUES + " values");
          return null;
        }
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
          JsonNode v = values.get(i);
          if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
            fail(path + ".values[" + i + "]", "values are strings, numbers or booleans");
          } else {
            list.add(scalar(v));
          }
        }
        return new ValuePredicate(op, null, List.copyOf(list), null, null);
      }
      case GT, GTE, LT, LTE -> {
        if (value == null || !value.isNumber()) {
          fail(vPath, "'" + op.wireName() + "' compares numbers: 'value' must be a number");
          return null;
        }
        return new ValuePredicate(op, value.decimalValue(), null, null, null);
      }
      case BEFORE, AFTER -> {
        Instant at = date(value, vPath, true);
        return at == null ? null : new ValuePredicate(op, null, null, at, null);
      }
      default -> {
        if (!allowRelative) {
          fail(path + ".op", "relative dates are not supported in event property filters");
          return null;
        }
        Integer days = days(node.get("days"), path + ".days");
        return days == null ? null : new ValuePredicate(op, null, null, null, days);
      }
    }
  }

  private static Object scalar(JsonNode v) {
    if (v.isNumber()) {
      return v.decimalValue();
    }
    return v.isBoolean() ? (Object) v.booleanValue() : v.asText();
  }

  private Instant date(JsonNode value, String path, boolean required) {
    if (value == null) {
      if (required) {
        fail(path, "a date is required, e.g. \"2024-01-31\" or \"2024-01-31T12:00:00Z\"");
      }
      return null;
    }
    Instant at = value.isTextual() ? ValuePredicate.toInstant(value.asText()) : null;
    if (at == null) {
      fail(path, "not a date: use \"2024-01-31\" or \"2024-01-31T12:00:00Z\"");
    }
    return at;
  }

  private Integer days(JsonNode value, String path) {
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      fail(path, "a whole number of days between 1 and " + MAX_DAYS + " is required");
      return null;
    }
    int days = value.intValue();
    if (days < 1 || days > MAX_DAYS) {
      fail(path, "days must be between 1 and " + MAX_DAYS);
      return null;
    }
    return days;
  }

  private Integer count(JsonNode value, String path) {
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
      fail(path, "a count is a whole number of 0 or more");
      return null;
    }
    return value.intValue();
  }

  /** A trait/property path (dots reach into objects when {@code nested}) or a plain name. */
  private List<String> name(JsonNode value, String path, boolean nested) {
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      fail(path, "a name is required");
      return null;
    }
    String text = value.asText();
    List<String> parts = nested ? List.of(text.split("\\.", -1)) : List.of(text);
    for (String part : parts) {
      if (!NAME.matcher(part).matches() || (!nested && part.contains("."))) {
        fail(
            path,
            "'"
                + (text.length() > 64 ? text.substring(0, 64) + "..." : text)
                + "' is not a valid name (1-128 characters, no '$', no empty parts)");
        return null;
      }
    }
    return parts;
  }

  private void allowOnly(JsonNode node, String path, String... allowed) {
    Set<String> names = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!names.contains(field)) {
        fail(
            path + "." + field,
            "unexpected field '" + field + "' here; allowed: " + String.join(", ", allowed));
      }
    }
  }

  private static String opNames() {
    StringBuilder names = new StringBuilder();
    for (Op op : Op.values()) {
      names.append(names.isEmpty() ? "" : ", ").append(op.wireName());
    }
    return names.toString();
  }

  private Condition fail(String path, String detail) {
    errors.add(new ConditionError(path, detail));
    return null;
  }
}
