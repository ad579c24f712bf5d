package org.opencdp.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses rendered Kubernetes YAML strictly with the fabric8 Kubernetes model.
 *
 * <p>fabric8 model classes keep unknown fields in {@code additionalProperties} instead of failing,
 * and Jackson coerces "8080" into an int by default. This parser turns both into errors: it
 * deserializes every document into the class registered for its apiVersion/kind with scalar
 * coercion disabled, then walks the object graph and fails on any non-empty {@code
 * additionalProperties}. A kind without a model fails too, except the CRDs listed in {@link
 * #validateCustomResource}.
 */
final class Manifests {

  /** One parsed document: its raw tree and the typed model object. */
  record Manifest(ObjectNode raw, HasMetadata typed) {
    String kind() {
      return raw.path("kind").asText();
    }

    String name() {
      return raw.path("metadata").path("name").asText();
    }

    <T> T as(Class<T> type) {
      return type.cast(typed);
    }

    @Override
    public String toString() {
      return kind() + "/" + name();
    }
  }

  static final YAMLMapper YAML = new YAMLMapper();

  private static final KubernetesSerialization REGISTRY = new KubernetesSerialization();

  private static final ObjectMapper STRICT = strictMapper();

  private Manifests() {}

  private static ObjectMapper strictMapper() {
    ObjectMapper mapper =
        JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();
    for (LogicalType target : List.of(LogicalType.Textual, LogicalType.Boolean)) {
      for (CoercionInputShape shape :
          List.of(
              CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
        mapper.coercionConfigFor(target).setCoercion(shape, CoercionAction.Fail);
      }
    }
    for (LogicalType target : List.of(LogicalType.Integer, LogicalType.Float)) {
      mapper.coercionConfigFor(target).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
      mapper.coercionConfigFor(target).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    return mapper;
  }

  /** Splits a multi-document YAML stream into object trees, skipping empty documents. */
  static List<ObjectNode> documents(String yaml) {
    List<ObjectNode> docs = new ArrayList<>();
    // Duplicate keys are silently "last one wins" in Jackson but rejected by kubectl: fail here.
    YAMLFactory factory = new YAMLFactory();
    factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    try (var parser = factory.createParser(yaml)) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node == null || node.isNull() || node.isMissingNode() || node.isEmpty()) {
          continue;
        }
        if (!node.isObject()) {
          throw new InvalidManifestException("a YAML document is not an object: " + node);
        }
        docs.add((ObjectNode) node);
      }
    } catch (IOException | RuntimeException e) {
      // MappingIterator wraps parse errors (duplicate keys among them) in a RuntimeException.
      throw new InvalidManifestException("rendered YAML does not parse: " + e.getMessage(), e);
    }
    return docs;
  }

  /** Parses and strictly validates every document; throws {@link InvalidManifestException}. */
  static List<Manifest> parse(String yaml) {
    List<Manifest> result = new ArrayList<>();
    for (ObjectNode doc : documents(yaml)) {
      result.add(parse(doc));
    }
    return result;
  }

  static Manifest parse(ObjectNode doc) {
    String apiVersion = doc.path("apiVersion").asText("");
    String kind = doc.path("kind").asText("");
    String where = kind + "/" + doc.path("metadata").path("name").asText("?");
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw new InvalidManifestException(where + ": apiVersion and kind are required");
    }
    Class<? extends KubernetesResource> type =
        REGISTRY.getRegisteredKubernetesResource(apiVersion, kind);
    HasMetadata typed;
    if (type == null || type == GenericKubernetesResource.class) {
      typed = validateCustomResource(doc, where);
    } else {
      try {
        typed = (HasMetadata) STRICT.treeToValue(doc, type);
      } catch (JsonProcessingException e) {
        throw new InvalidManifestException(
            where + ": wrong type or value: " + e.getOriginalMessage() + " at " + path(e), e);
      }
    }
    List<String> unknown = new ArrayList<>();
    findAdditionalProperties(typed, where, unknown, new IdentityHashMap<>());
    if (!unknown.isEmpty()) {
      throw new InvalidManifestException("unknown field(s) " + unknown);
    }
    return new Manifest(doc, typed);
  }

  private static String path(IOException e) {
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      return m.getPathReference();
    }
    return "?";
  }

  /**
   * The custom resources the chart may render without a fabric8 model: Strimzi KafkaTopic
   * (kafka.strimzi.io/v1beta2). Checked field by field against the Strimzi API.
   */
  private static HasMetadata validateCustomResource(ObjectNode doc, String where) {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    if (!("kafka.strimzi.io/v1beta2".equals(apiVersion) && "KafkaTopic".equals(kind))) {
      throw new InvalidManifestException(
          where + ": no Kubernetes model for " + apiVersion + " " + kind);
    }
    onlyFields(doc, where, Set.of("apiVersion", "kind", "metadata", "spec"));
    JsonNode spec = doc.path("spec");
    onlyFields(spec, where + ".spec", Set.of("topicName", "partitions", "replicas", "config"));
    require(spec.path("topicName").isTextual(), where + ".spec.topicName must be a string");
    require(spec.path("partitions").isInt(), where + ".spec.partitions must be an integer");
    require(spec.path("replicas").isInt(), where + ".spec.replicas must be an integer");
    require(spec.path("config").isObject(), where + ".spec.config must be an object");
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion(apiVersion);
    resource.setKind(kind);
    try {
      resource.setMetadata(STRICT.treeToValue(doc.get("metadata"), ObjectMeta.class));
    } catch (JsonProcessingException e) {
      throw new InvalidManifestException(where + ".metadata: " + e.getOriginalMessage(), e);
    }
    return resource;
  }

  private static void onlyFields(JsonNode node, String where, Set<String> allowed) {
    node.fieldNames()
        .forEachRemaining(
            f -> require(allowed.contains(f), where + ": unknown field \"" + f + "\""));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new InvalidManifestException(message);
    }
  }

  /** Walks fabric8 model objects and collects every non-empty additionalProperties map. */
  private static void findAdditionalProperties(
      Object value, String path, List<String> found, Map<Object, Boolean> seen) {
    if (value == null || seen.containsKey(value)) {
      return;
    }
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        findAdditionalProperties(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        findAdditionalProperties(e.getValue(), path + "." + e.getKey(), found, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    seen.put(value, Boolean.TRUE);
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Object fieldValue;
        try {
          field.setAccessible(true);
          fieldValue = field.get(value);
        } catch (ReflectiveOperationException | RuntimeException e) {
          continue;
        }
        if (field.getName().equals("additionalProperties")) {
          if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
            if (!(value instanceof GenericKubernetesResource)) {
              for (Object key : extra.keySet()) {
                found.add(path + "." + key);
              }
            }
          }
          continue;
        }
        findAdditionalProperties(fieldValue, path + "." + field.getName(), found, seen);
      }
    }
  }

  /** A rendered object that the Kubernetes API would reject or silently drop. */
  static final class InvalidManifestException extends RuntimeException {
    InvalidManifestException(String message) {
      super(message);
    }

    InvalidManifestException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
