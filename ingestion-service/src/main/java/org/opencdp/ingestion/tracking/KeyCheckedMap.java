package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed JSON object into plain Java maps, lists and values, refusing keys that MongoDB
 * would read as operators ({@code $x}) or paths ({@code a.b}) downstream. One walk of the tree does
 * both: this runs for every field of every event, and Jackson's data binding ({@code convertValue})
 * plus a separate key check cost several times more. The path of a refused key is only assembled
 * when one is found.
 */
final class KeyCheckedMap {
  private KeyCheckedMap() {}

  /** The first key that is not allowed, with the path where it was found. */
  static final class ForbiddenKey extends RuntimeException {
    private final String key;
    private final String path;

    private ForbiddenKey(String key, String path) {
      super(null, null, false, false);
      this.key = key;
      this.path = path;
    }

    private ForbiddenKey under(String parent) {
      return new ForbiddenKey(key, path.isEmpty() ? parent : parent + path);
    }

    @Override
    public String getMessage() {
      return "Key \""
          + (key.length() > 64 ? key.substring(0, 64) + "..." : key)
          + "\" in "
          + path
          + " is not allowed: keys may not be empty, start with '$' or contain '.'.";
    }
  }

  /** {@code object} as a map; {@code field} names it in the message of a refused key. */
  static Map<String, Object> of(JsonNode object, String field) {
    try {
      return object(object);
    } catch (ForbiddenKey forbidden) {
      throw forbidden.under(field);
    }
  }

  private static Map<String, Object> object(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, object.size() * 2));
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      if (key.isEmpty()
          || key.charAt(0) == '$'
          || key.indexOf('.') >= 0
          || key.indexOf('\0') >= 0) {
        throw new ForbiddenKey(key, "");
      }
      try {
        map.put(key, value(field.getValue()));
      } catch (ForbiddenKey nested) {
        throw nested.under("." + key);
      }
    }
    return map;
  }

  private static Object value(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT:
        return object(node);
      case ARRAY:
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          try {
            list.add(value(element));
          } catch (ForbiddenKey nested) {
            throw nested.under("[]");
          }
        }
        return list;
      case STRING:
        return node.textValue();
      case NUMBER:
        return node.numberValue();
      case BOOLEAN:
        return node.booleanValue();
      case BINARY:
      case POJO:
        throw new IllegalArgumentException("Parsed JSON holds no " + node.getNodeType());
      default:
        return null;
    }
  }
}
