package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a parsed JSON object for keys that MongoDB would read as operators ({@code $x}) or paths
 * ({@code a.b}) downstream, and hands it on as a {@link JsonObjectMap} (no copy). This runs for
 * every field of every event, so the walk allocates nothing; the path of a refused key is only
 * assembled when one is found.
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
  static Map<String, Object> of(ObjectNode object, String field) {
    try {
      checkObject(object);
    } catch (ForbiddenKey forbidden) {
      throw forbidden.under(field);
    }
    return new JsonObjectMap(object);
  }

  private static void checkObject(JsonNode object) {
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
        checkValue(field.getValue());
      } catch (ForbiddenKey nested) {
        throw nested.under("." + key);
      }
    }
  }

  private static void checkValue(JsonNode node) {
    if (node.isObject()) {
      checkObject(node);
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        try {
          checkValue(element);
        } catch (ForbiddenKey nested) {
          throw nested.under("[]");
        }
      }
    } else if (node.isPojo() || node.isBinary()) {
      throw new IllegalArgumentException("Parsed JSON holds no " + node.getNodeType());
    }
  }
}
