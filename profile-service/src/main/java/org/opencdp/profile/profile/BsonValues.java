package org.opencdp.profile.profile;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversions between user-supplied JSON values and stored BSON values. Keys that MongoDB would
 * read as operators or paths ({@code $where}, {@code a.b}) are escaped ({@code %24}, {@code %2E})
 * on the way in and restored on the way out.
 */
public final class BsonValues {
  private BsonValues() {}

  public static String escapeKey(String key) {
    if (key.indexOf('%') < 0
        && key.indexOf('.') < 0
        && key.indexOf('$') < 0
        && key.indexOf('\0') < 0) {
      return key;
    }
    return key.replace("%", "%25").replace(".", "%2E").replace("$", "%24").replace("\0", "%00");
  }

  public static String unescapeKey(String key) {
    if (key.indexOf('%') < 0) {
      return key;
    }
    return key.replace("%2E", ".").replace("%24", "$").replace("%00", "\0").replace("%25", "%");
  }

  /** A user value made storable: keys escaped, big numbers made BSON-friendly. */
  public static Object toStored(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(escapeKey(String.valueOf(k)), toStored(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(toStored(v)));
      return out;
    }
    if (value instanceof BigInteger big) {
      return big.bitLength() < 64 ? big.longValue() : big.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.doubleValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    return value;
  }

  /** A stored value made plain Java again (maps, lists, scalars; keys restored). */
  public static Object fromStored(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(unescapeKey(String.valueOf(k)), fromStored(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(fromStored(v)));
      return out;
    }
    if (value instanceof Date date) {
      return date.toInstant().toString();
    }
    return value;
  }
}
