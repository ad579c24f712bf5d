package org.opencdp.profile.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.opencdp.security.problem.Problems;

/**
 * A profile that was merged answers 307 to the same sub-resource of its survivor. Every other
 * failure is mapped by the shared problem+json mapper (module workspace-security).
 */
public class MergedProfileRedirectMapper {

  @ServerExceptionMapper
  public Response merged(MergedProfileRedirect redirect, UriInfo uriInfo) {
    String path = uriInfo.getRequestUri().getRawPath();
    String from = "/profiles/" + encode(redirect.requestedId());
    String to = "/profiles/" + encode(redirect.survivorId());
    int at = path.indexOf(from);
    String target = at < 0 ? path : path.substring(0, at) + to + path.substring(at + from.length());
    String query = uriInfo.getRequestUri().getRawQuery();
    URI location = URI.create(query == null ? target : target + "?" + query);
    return Response.fromResponse(
            Problems.response(
                307,
                "Temporary Redirect",
                "This profile was merged into " + redirect.survivorId() + ".",
                uriInfo.getPath()))
        .header(HttpHeaders.LOCATION, location)
        .build();
  }

  private static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
