package org.opencdp.ingestion.tracking;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A read-only {@code Map} over a parsed JSON object, for the envelope's traits, properties, context
 * and integrations. The gateway hands the parsed tree on instead of copying it into maps: copying
 * and then serialising maps (a serializer look-up per value) was a third of its CPU per event.
 * Serialised, it writes the tree as parsed — the same JSON the copied maps gave; read in Java
 * (suppressions, consent), values are converted on access: objects to maps, arrays to lists.
 */
@JsonSerialize(using = JsonObjectMap.AsTree.class)
public final class JsonObjectMap extends AbstractMap<String, Object> {
  private final ObjectNode node;

  JsonObjectMap(ObjectNode node) {
    this.node = node;
  }

  @Override
  public Object get(Object key) {
    return key instanceof String field ? value(node.get(field)) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return key instanceof String field && node.has(field);
  }

  @Override
  public int size() {
    return node.size();
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return fields.hasNext();
          }

          @Override
          public Map.Entry<String, Object> next() {
            Map.Entry<String, JsonNode> field = fields.next();
            return new SimpleImmutableEntry<>(field.getKey(), value(field.getValue()));
          }
        };
      }

      @Override
      public int size() {
        return node.size();
      }
    };
  }

  private static Object value(JsonNode node) {
    if (node == null) {
      return null;
    }
    switch (node.getNodeType()) {
      case OBJECT:
        return new JsonObjectMap((ObjectNode) node);
      case ARRAY:
        return new JsonArrayList((ArrayNode) node);
      case STRING:
        return node.textValue();
      case NUMBER:
        return node.numberValue();
      case BOOLEAN:
        return node.booleanValue();
      default:
        return null;
    }
  }

  /** The list counterpart, for arrays met while reading a {@link JsonObjectMap} in Java. */
  @JsonSerialize(using = JsonObjectMap.AsTree.class)
  public static final class JsonArrayList extends AbstractList<Object> {
    private final ArrayNode node;

    JsonArrayList(ArrayNode node) {
      this.node = node;
    }

    @Override
    public Object get(int index) {
      if (index < 0 || index >= node.size()) {
        throw new IndexOutOfBoundsException(index);
      }
      return value(node.get(index));
    }

    @Override
    public int size() {
      return node.size();
    }
  }

  /** Writes the parsed tree itself. */
  public static final class AsTree extends StdSerializer<Object> {
    public AsTree() {
      super(Object.class);
    }

    @Override
    public void serialize(Object value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      JsonNode tree = value instanceof JsonObjectMap map ? map.node : ((JsonArrayList) value).node;
      tree.serialize(generator, provider);
    }
  }
}
