package org.opencdp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.opencdp.e2e.Endpoint.Attack;
import org.opencdp.e2e.Endpoint.Auth;
import org.opencdp.launcher.LocalPlatform;

/**
 * Deterministic generator of malformed and hostile requests: the same seed gives the same requests,
 * so a failure can be replayed. Every request it makes for an endpoint must be refused (or, for
 * query-parameter attacks, answered without a fault), and none may change the shop's data.
 */
final class HostileRequests {
  /** A request and what its answer must respect. */
  record Planned(
      Endpoint endpoint,
      Attack attack,
      String variant,
      HttpRequest request,
      boolean mustRefuse,
      boolean mayDropConnection) {}

  private static final String[] HOSTILE_IDS = {
    "%24ne",
    "%24where",
    "a.b.c",
    "..",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "%00",
    "%27%20OR%201%3D1--",
    "%7B%22%24gt%22%3A%22%22%7D",
    "x".repeat(300),
    "y".repeat(5000),
    "%C3%A9%F0%9F%98%80",
    "%C3%28",
    "%FF%FE",
    "user_id:%24ne",
    "email:",
    "%3A",
    "unknown_type:x",
    "-1",
    "99999999999999999999999",
  };

  private static final String[] HOSTILE_QUERIES = {
    "limit=-1",
    "limit=0",
    "limit=99999999999",
    "limit=abc",
    "cursor=%24ne",
    "cursor=bm90LWEtY3Vyc29y",
    "offset=-5",
    "from=not-a-date",
    "to=2024-13-45T99:99:99Z",
    "type=%24where",
    "name=%7B%22%24gt%22%3A%22%22%7D",
    "page=-1",
    "size=100000",
    "count=-5",
    "cursor=-1",
    "profileId=%24ne",
    "status=%24ne",
    "campaignId=..%2F..",
    "sourceId=%00",
    "field=a.b",
    "limit=1&limit=2&limit=abc",
  };

  private final Random random;
  private final Map<String, String> urls;
  private final List<byte[]> gzipBombs = new ArrayList<>();

  HostileRequests(long seed, Map<String, String> urls) {
    this.random = new Random(seed);
    this.urls = urls;
  }

  Planned next(Endpoint endpoint) {
    List<Attack> possible = new ArrayList<>(endpoint.attacks());
    Attack attack = possible.get(random.nextInt(possible.size()));
    return switch (attack) {
      case CREDENTIALS -> credentials(endpoint);
      case CROSS_WORKSPACE_IDS -> crossWorkspace(endpoint);
      case BODY -> body(endpoint);
      case PATH -> path(endpoint);
      case QUERY -> query(endpoint);
      case TRACKING -> tracking(endpoint);
    };
  }

  // ---- credentials ------------------------------------------------------------------------

  private Planned credentials(Endpoint endpoint) {
    String variant;
    String authorization;
    if (endpoint.auth() == Auth.WRITE_KEY) {
      String[] variants = {"none", "garbage-key", "workspace-token-as-key", "rival-token-as-key"};
      variant = variants[random.nextInt(variants.length)];
      authorization =
          switch (variant) {
            case "none" -> null;
            case "garbage-key" -> basic("wk_" + Long.toHexString(random.nextLong()));
            case "workspace-token-as-key" -> basic(Platform.SHOP.token());
            default -> basic(Platform.RIVAL.token());
          };
    } else {
      List<String> variants =
          new ArrayList<>(
              List.of(
                  "none",
                  "empty-bearer",
                  "garbage-token",
                  "write-key-as-token",
                  "token-suffix",
                  "token-upper-case",
                  "huge-token",
                  "wrong-scheme"));
      boolean rivalIsForeign =
          endpoint.auth() == Auth.WORKSPACE_TOKEN
              || endpoint.auth() == Auth.ADMIN_TOKEN
              || endpoint.target() != null;
      if (rivalIsForeign) {
        variants.add("rival-token");
      }
      if (endpoint.auth() == Auth.ADMIN_TOKEN) {
        variants.add("workspace-token-for-admin");
      }
      variant = variants.get(random.nextInt(variants.size()));
      String token = Platform.SHOP.token();
      authorization =
          switch (variant) {
            case "none" -> null;
            case "empty-bearer" -> "Bearer ";
            case "garbage-token" -> "Bearer cdp_" + Long.toHexString(random.nextLong());
            case "write-key-as-token" -> "Bearer " + Platform.SHOP.writeKey();
            case "token-suffix" -> "Bearer " + token + "x";
            case "token-upper-case" -> "Bearer " + token.toUpperCase();
            case "huge-token" -> "Bearer " + "t".repeat(6000);
            case "wrong-scheme" -> "Token " + token;
            case "workspace-token-for-admin" -> "Bearer " + token;
            default -> "Bearer " + Platform.RIVAL.token();
          };
    }
    HttpRequest.Builder request = builder(endpoint, endpoint.realPath(), "");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    withBody(request, endpoint.method(), endpoint.contentType(), bytes(endpoint.validBody()));
    return new Planned(endpoint, Attack.CREDENTIALS, variant, request.build(), true, false);
  }

  /** The rival's own workspace in the path, the shop's resource ids after it. */
  private Planned crossWorkspace(Endpoint endpoint) {
    String path = endpoint.realPath().replace("/shop/", "/" + Platform.RIVAL.id() + "/");
    HttpRequest.Builder request =
        builder(endpoint, path, "").header("Authorization", "Bearer " + Platform.RIVAL.token());
    withBody(request, endpoint.method(), endpoint.contentType(), bytes(endpoint.validBody()));
    return new Planned(
        endpoint,
        Attack.CROSS_WORKSPACE_IDS,
        "rival-path-shop-id",
        request.build(),
        !endpoint.method().equals("GET"),
        false);
  }

  // ---- bodies -----------------------------------------------------------------------------

  private Planned body(Endpoint endpoint) {
    String[] variants = {
      "truncated-json",
      "top-level-array",
      "top-level-string",
      "top-level-number",
      "json-null",
      "empty-body",
      "mistyped-field",
      "operator-keys",
      "dotted-keys",
      "deep-nesting",
      "huge-field",
      "invalid-utf8",
      "xml-body",
    };
    String variant = variants[random.nextInt(variants.length)];
    if (endpoint.emptyObjectAccepted() && variant.endsWith("-keys")) {
      variant = "mistyped-field";
    }
    String valid = endpoint.validBody();
    String contentType = "application/json";
    boolean mayDrop = false;
    byte[] body;
    switch (variant) {
      case "truncated-json" ->
          body = bytes(valid.substring(0, 1 + random.nextInt(valid.length() - 1)));
      case "top-level-array" -> body = bytes("[" + valid + "]");
      case "top-level-string" -> body = bytes("\"" + valid.replace("\"", "\\\"") + "\"");
      case "top-level-number" -> body = bytes(Long.toString(random.nextLong()));
      case "json-null" -> body = bytes("null");
      case "empty-body" -> body = new byte[0];
      case "mistyped-field" -> body = bytes(mistyped(valid));
      case "operator-keys" -> body = bytes(renamedKeys(valid, "$"));
      case "dotted-keys" -> body = bytes(renamedKeys(valid, "a."));
      case "deep-nesting" -> {
        int depth = 1_000 + random.nextInt(60_000);
        body =
            bytes(
                random.nextBoolean()
                    ? "[".repeat(depth) + "]".repeat(depth)
                    : "{\"name\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}");
      }
      case "huge-field" -> {
        int[] sizes = {600_000, 2_000_000, 11_000_000};
        int size = sizes[random.nextInt(10) == 0 ? 2 : random.nextInt(2)];
        body = bytes(replaceFirstString(valid, "h".repeat(size)));
        mayDrop = size > 10_000_000;
      }
      case "invalid-utf8" -> body = invalidUtf8(valid);
      default -> {
        body = bytes("<segment><name>x</name></segment>");
        contentType = "application/xml";
      }
    }
    HttpRequest.Builder request =
        builder(endpoint, endpoint.realPath(), "")
            .header("Authorization", validAuthorization(endpoint));
    withBody(request, endpoint.method(), contentType, body);
    return new Planned(endpoint, Attack.BODY, variant, request.build(), true, mayDrop);
  }

  /** A scalar replaced by an object or array with operator keys: no server type accepts it. */
  private String mistyped(String valid) {
    JsonNode root = parse(valid);
    List<ObjectNode> holders = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    collectScalars(root, holders, fields);
    if (holders.isEmpty()) {
      return "[" + valid + "]";
    }
    int pick = random.nextInt(holders.size());
    JsonNode replacement =
        random.nextBoolean()
            ? Http.JSON.createObjectNode().put("$gt", "")
            : Http.JSON.createArrayNode().add("x").add(Http.JSON.createObjectNode().put("$ne", 1));
    holders.get(pick).set(fields.get(pick), replacement);
    return root.toString();
  }

  private static void collectScalars(JsonNode node, List<ObjectNode> holders, List<String> fields) {
    if (node instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isValueNode() && !field.getValue().isNull()) {
          holders.add(object);
          fields.add(field.getKey());
        } else {
          collectScalars(field.getValue(), holders, fields);
        }
      }
    } else if (node.isArray()) {
      node.forEach(child -> collectScalars(child, holders, fields));
    }
  }

  /** Every top-level key renamed: the required fields are gone, operator-like keys remain. */
  private static String renamedKeys(String valid, String prefix) {
    JsonNode root = parse(valid);
    ObjectNode renamed = Http.JSON.createObjectNode();
    root.fields().forEachRemaining(f -> renamed.set(prefix + f.getKey(), f.getValue()));
    if (prefix.equals("$")) {
      renamed.putObject("$set").set("workspaceId", Http.JSON.getNodeFactory().textNode("rival"));
    }
    return renamed.toString();
  }

  private static String replaceFirstString(String valid, String value) {
    JsonNode root = parse(valid);
    List<ObjectNode> holders = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    collectScalars(root, holders, fields);
    for (int i = 0; i < holders.size(); i++) {
      if (holders.get(i).get(fields.get(i)).isTextual()) {
        holders.get(i).put(fields.get(i), value);
        return root.toString();
      }
    }
    return "{\"name\":\"" + value + "\"}";
  }

  /** The first string value's text replaced by bytes that are not UTF-8. */
  private byte[] invalidUtf8(String valid) {
    byte[][] bad = {
      {(byte) 0xC3, (byte) 0x28},
      {(byte) 0xFF, (byte) 0xFE},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
    };
    String marker = "INVALID_UTF8_GOES_HERE";
    String withMarker = replaceFirstString(valid, marker);
    int at = withMarker.indexOf(marker);
    byte[] prefix = bytes(withMarker.substring(0, at));
    byte[] suffix = bytes(withMarker.substring(at + marker.length()));
    byte[] middle = bad[random.nextInt(bad.length)];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix);
    out.writeBytes(middle);
    out.writeBytes(suffix);
    return out.toByteArray();
  }

  // ---- paths and queries ------------------------------------------------------------------

  private Planned path(Endpoint endpoint) {
    String id = HOSTILE_IDS[random.nextInt(HOSTILE_IDS.length)];
    if (id.equals("..") && !endpoint.method().equals("GET")) {
      // The server resolves dot segments: "DELETE .../write-keys/.." is a DELETE of the source.
      id = "%24ne";
    }
    String path = endpoint.path().replace("{id}", id);
    HttpRequest.Builder request = builder(endpoint, path, "");
    if (endpoint.auth() != Auth.NONE) {
      request.header("Authorization", validAuthorization(endpoint));
    }
    withBody(request, endpoint.method(), endpoint.contentType(), bytes(endpoint.validBody()));
    String variant = id.length() > 40 ? "id-of-" + id.length() + "-chars" : "id " + id;
    boolean changes = !endpoint.method().equals("GET");
    return new Planned(
        endpoint,
        Attack.PATH,
        variant,
        request.build(),
        changes && endpoint.auth() != Auth.NONE,
        false);
  }

  private Planned query(Endpoint endpoint) {
    String query = HOSTILE_QUERIES[random.nextInt(HOSTILE_QUERIES.length)];
    HttpRequest.Builder request =
        builder(endpoint, endpoint.realPath(), query)
            .header("Authorization", validAuthorization(endpoint));
    withBody(request, endpoint.method(), endpoint.contentType(), bytes(endpoint.validBody()));
    return new Planned(endpoint, Attack.QUERY, query, request.build(), false, false);
  }

  // ---- the tracking API -------------------------------------------------------------------

  private Planned tracking(Endpoint endpoint) {
    String[] variants = {
      "gzip-bomb",
      "gzip-bomb-without-header",
      "corrupt-gzip",
      "operator-trait-keys",
      "dotted-property-keys",
      "no-user-or-anonymous-id",
      "object-as-user-id",
      "deep-properties",
      "oversized-event",
      "too-many-events",
      "writekey-in-body-garbage",
    };
    String variant = variants[random.nextInt(variants.length)];
    boolean batch = endpoint.path().matches(".*/(batch|import|b)$");
    String user = "\"userId\":\"hostile-" + random.nextInt(1000) + "\"";
    String event =
        switch (variant) {
          case "operator-trait-keys" ->
              "{\"type\":\"identify\"," + user + ",\"traits\":{\"$set\":{\"plan\":\"free\"}}}";
          case "dotted-property-keys" ->
              "{\"type\":\"track\",\"event\":\"X\"," + user + ",\"properties\":{\"a.b\":1}}";
          case "no-user-or-anonymous-id" -> "{\"type\":\"track\",\"event\":\"X\"}";
          case "object-as-user-id" ->
              "{\"type\":\"track\",\"event\":\"X\",\"userId\":{\"$ne\":null}}";
          case "deep-properties" ->
              "{\"type\":\"track\",\"event\":\"X\","
                  + user
                  + ",\"properties\":"
                  + "{\"a\":".repeat(40)
                  + "1"
                  + "}".repeat(40)
                  + "}";
          case "oversized-event" ->
              "{\"type\":\"track\",\"event\":\"X\","
                  + user
                  + ",\"properties\":{\"p\":\""
                  + "z".repeat(40_000)
                  + "\"}}";
          default ->
              "{\"type\":\"track\",\"event\":\"X\",\"anonymousId\":{\"$gt\":\"\"},\"writeKey\":\"wk_garbage\"}";
        };
    String json = batch ? "{\"batch\":[" + event + "]}" : event;
    if (variant.equals("too-many-events")) {
      StringBuilder many = new StringBuilder("{\"batch\":[");
      for (int i = 0; i < 2_600; i++) {
        many.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"event\":\"X\"}");
      }
      json = many.append("]}").toString();
    }
    HttpRequest.Builder request = builder(endpoint, endpoint.realPath(), "");
    if (!variant.equals("writekey-in-body-garbage")) {
      request.header("Authorization", basic(Platform.SHOP.writeKey()));
    }
    byte[] body;
    boolean mayDrop = false;
    switch (variant) {
      case "gzip-bomb", "gzip-bomb-without-header" -> {
        body = gzipBomb();
        mayDrop = true;
        if (variant.equals("gzip-bomb")) {
          request.header("Content-Encoding", "gzip");
        }
      }
      case "corrupt-gzip" -> {
        byte[] gzip = gzip(bytes(json));
        body = java.util.Arrays.copyOf(gzip, gzip.length / 2);
        request.header("Content-Encoding", "gzip");
      }
      default -> body = bytes(json);
    }
    withBody(request, "POST", "application/json", body);
    return new Planned(endpoint, Attack.TRACKING, variant, request.build(), true, mayDrop);
  }

  /** A few bombs made once: megabytes of whitespace inside a batch, about 1000:1 compressed. */
  private byte[] gzipBomb() {
    if (gzipBombs.size() < 3) {
      int megabytes = 20 + 40 * gzipBombs.size();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
        zip.write(
            bytes(
                "{\"batch\":[{\"type\":\"track\",\"event\":\"X\",\"userId\":\"bomb\",\"properties\":{\"p\":\""));
        byte[] chunk = bytes("A".repeat(1 << 20));
        for (int i = 0; i < megabytes; i++) {
          zip.write(chunk);
        }
        zip.write(bytes("\"}}]}"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      gzipBombs.add(out.toByteArray());
    }
    return gzipBombs.get(random.nextInt(gzipBombs.size()));
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private HttpRequest.Builder builder(Endpoint endpoint, String path, String query) {
    String url = urls.get(endpoint.service()) + path + (query.isEmpty() ? "" : "?" + query);
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
  }

  private static void withBody(
      HttpRequest.Builder request, String method, String contentType, byte[] body) {
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
      return;
    }
    request.header("Content-Type", contentType);
    request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  private static String validAuthorization(Endpoint endpoint) {
    return switch (endpoint.auth()) {
      case WRITE_KEY -> basic(Platform.SHOP.writeKey());
      case ADMIN_TOKEN -> "Bearer " + LocalPlatform.ADMIN_TOKEN;
      default -> "Bearer " + Platform.SHOP.token();
    };
  }

  private static String basic(String user) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":").getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(String json) {
    try {
      return Http.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
