package org.opencdp.profile.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.profile.config.ProfileConfig;
import org.opencdp.profile.security.FieldCipher;

/**
 * Encrypts the configured trait paths ({@code email}, {@code address.street}) before they are
 * stored, and decrypts them on the way out. A value is serialized to JSON first, so numbers and
 * objects come back with their type.
 */
@ApplicationScoped
public class TraitProtector {
  private final FieldCipher cipher;
  private final ObjectMapper json;
  private final List<String[]> paths;

  TraitProtector(FieldCipher cipher, ObjectMapper json, ProfileConfig config) {
    this.cipher = cipher;
    this.json = json;
    this.paths = config.crypto().encryptedTraits().stream().map(p -> p.split("\\.")).toList();
  }

  /** The value of trait {@code name} as stored. */
  public Object protect(String workspaceId, String name, Object value) {
    for (String[] path : paths) {
      if (path[0].equals(name)) {
        value =
            path.length == 1
                ? encrypt(workspaceId, value)
                : protectPath(workspaceId, value, path, 1);
      }
    }
    return value;
  }

  /** The value of trait {@code name} in clear. */
  public Object reveal(String workspaceId, Object value) {
    if (FieldCipher.isEncrypted(value)) {
      try {
        return json.readValue(cipher.decrypt(workspaceId, (String) value), Object.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored value is not JSON", e);
      }
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put((String) k, reveal(workspaceId, v)));
      return copy;
    }
    return value;
  }

  /** A copy of a traits map with the configured paths encrypted. */
  public Map<String, Object> protectAll(String workspaceId, Map<String, Object> traits) {
    Map<String, Object> copy = new LinkedHashMap<>();
    traits.forEach((k, v) -> copy.put(k, protect(workspaceId, k, v)));
    return copy;
  }

  /** A copy of a traits map in clear. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> revealAll(String workspaceId, Map<String, Object> traits) {
    return (Map<String, Object>) reveal(workspaceId, traits);
  }

  private Object protectPath(String workspaceId, Object value, String[] path, int depth) {
    if (!(value instanceof Map<?, ?> map) || !map.containsKey(path[depth])) {
      return value;
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put((String) k, v));
    Object inner = copy.get(path[depth]);
    copy.put(
        path[depth],
        depth == path.length - 1
            ? encrypt(workspaceId, inner)
            : protectPath(workspaceId, inner, path, depth + 1));
    return copy;
  }

  private Object encrypt(String workspaceId, Object value) {
    if (value == null || FieldCipher.isEncrypted(value)) {
      return value;
    }
    try {
      return cipher.encrypt(workspaceId, json.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trait value is not serializable", e);
    }
  }
}
