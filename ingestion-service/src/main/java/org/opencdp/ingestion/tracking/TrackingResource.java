package org.opencdp.ingestion.tracking;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.opencdp.ingestion.problem.ProblemException;

/**
 * The Segment HTTP Tracking API. Bodies are read as bytes whatever the Content-Type (SDKs send JSON
 * as application/json, text/plain or gzipped form-urlencoded); the write key comes from HTTP Basic
 * or the body.
 */
@Path("/v1")
@Tag(name = "Tracking API", description = "Segment-compatible event collection")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
class TrackingResource {
  private final TrackingService tracking;

  TrackingResource(TrackingService tracking) {
    this.tracking = tracking;
  }

  @POST
  @Path("{call:identify|track|page|screen|group|alias|i|t|p|s|g|a}")
  @Operation(summary = "Send one identify, track, page, screen, group or alias call")
  public Uni<Map<String, Object>> single(
      @RestPath String call,
      byte[] body,
      @RestHeader(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    TrackingCall trackingCall =
        TrackingCall.single(call).orElseThrow(() -> ProblemException.notFound("No such call."));
    return ingest(trackingCall, body, contentEncoding, authorization);
  }

  @POST
  @Path("{batch:batch|import|import/|b}")
  @Operation(summary = "Send a batch of calls (also /v1/import, /v1/import/ and /v1/b)")
  public Uni<Map<String, Object>> batch(
      byte[] body,
      @RestHeader(HttpHeaders.CONTENT_ENCODING) String contentEncoding,
      @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
    return ingest(TrackingCall.BATCH, body, contentEncoding, authorization);
  }

  /**
   * The settings analytics-kotlin (and analytics.js when pointed here) fetch before sending: they
   * tell the SDK to send to this gateway. Unknown keys get 404 and the SDK keeps its defaults.
   */
  @GET
  @Path("projects/{writeKey}/settings")
  @Operation(summary = "SDK settings for a write key (analytics-kotlin, analytics.js)")
  public Uni<Map<String, Object>> settings(@RestPath String writeKey, @Context UriInfo uri) {
    String apiHost = uri.getBaseUri().getAuthority() + "/v1";
    return tracking
        .knowsWriteKey(writeKey)
        .map(
            known -> {
              if (!known) {
                throw ProblemException.notFound("Unknown write key.");
              }
              return Map.of(
                  "integrations",
                  Map.of(
                      "Segment.io",
                      Map.of(
                          "apiKey",
                          writeKey,
                          "apiHost",
                          apiHost,
                          "protocol",
                          uri.getBaseUri().getScheme())),
                  "plan",
                  Map.of("track", Map.of(), "identify", Map.of(), "group", Map.of()),
                  "edgeFunction",
                  Map.of());
            });
  }

  private Uni<Map<String, Object>> ingest(
      TrackingCall call, byte[] body, String contentEncoding, String authorization) {
    return tracking
        .ingest(
            call, body == null ? new byte[0] : body, contentEncoding, basicUsername(authorization))
        .map(TrackingResource::responseBody);
  }

  /** analytics-java re-sends a batch unless the 200 carries a JSON body. */
  private static Map<String, Object> responseBody(TrackingService.Result result) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("accepted", result.accepted());
    body.put("duplicates", result.duplicates());
    if (!result.rejected().isEmpty()) {
      body.put("rejected", result.rejected());
    }
    return body;
  }

  /**
   * The write key as HTTP Basic username (password empty), as the Node and RudderStack SDKs send
   * it.
   */
  static String basicUsername(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      String user = colon >= 0 ? decoded.substring(0, colon) : decoded;
      return user.isBlank() ? null : user;
    } catch (IllegalArgumentException e) {
      throw ProblemException.unauthorized("The Authorization header is not valid HTTP Basic.");
    }
  }
}
