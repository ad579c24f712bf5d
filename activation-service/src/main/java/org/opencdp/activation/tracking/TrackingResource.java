package org.opencdp.activation.tracking;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.opencdp.activation.delivery.DeliveryStore;
import org.opencdp.activation.delivery.DeliveryStore.Tracked;
import org.opencdp.activation.delivery.ResultPublisher;
import org.opencdp.activation.profile.ProfileStore;
import org.opencdp.contracts.DeliveryResult;
import org.opencdp.security.problem.ProblemException;

/**
 * Public endpoints reached from messages: the open pixel, click redirects (only to the links the
 * delivered message contained), the unsubscribe link and the SMS provider's status callback. They
 * are addressed by the delivery id (a random UUID) and need no token.
 */
@Path("/")
@Tag(name = "Tracking")
public class TrackingResource {
  private static final byte[] PIXEL =
      Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

  private final DeliveryStore store;
  private final ProfileStore profiles;
  private final ResultPublisher results;
  private final Clock clock;

  public TrackingResource(
      DeliveryStore store, ProfileStore profiles, ResultPublisher results, Clock clock) {
    this.store = store;
    this.profiles = profiles;
    this.results = results;
    this.clock = clock;
  }

  @GET
  @Path("t/o/{deliveryId}")
  @Produces("image/gif")
  @Blocking
  @Operation(summary = "Open tracking pixel")
  public Response open(@PathParam("deliveryId") String deliveryId) {
    store
        .tracked(deliveryId)
        .ifPresent(
            t -> {
              if (store.engage(t, "opened", -1, clock.instant())) {
                publish(t, DeliveryResult.Status.OPENED, null);
              }
            });
    return Response.ok(PIXEL).header("Cache-Control", "no-store").build();
  }

  @GET
  @Path("t/c/{deliveryId}/{link}")
  @Blocking
  @Operation(summary = "Click redirect to a link of the delivered message")
  public Response click(@PathParam("deliveryId") String deliveryId, @PathParam("link") int link) {
    Tracked t = tracked(deliveryId);
    if (link < 0 || link >= t.links().size()) {
      throw ProblemException.notFound("no such link in this message");
    }
    String url = t.links().get(link);
    if (store.engage(t, "clicked", link, clock.instant())) {
      publish(t, DeliveryResult.Status.CLICKED, url);
    }
    return Response.status(302).location(URI.create(url)).build();
  }

  @GET
  @Path("unsubscribe/{deliveryId}")
  @Produces(MediaType.TEXT_HTML)
  @Blocking
  @Operation(
      summary = "Unsubscribe page: a button that confirms (link scanners do not unsubscribe)")
  public String unsubscribePage(@PathParam("deliveryId") String deliveryId) {
    tracked(deliveryId);
    return "<!doctype html><html><body><form method=\"post\"><p>Stop receiving these messages?</p>"
        + "<button type=\"submit\">Unsubscribe</button></form></body></html>";
  }

  @POST
  @Path("unsubscribe/{deliveryId}")
  @Produces(MediaType.TEXT_HTML)
  @Blocking
  @Operation(summary = "Unsubscribe (also RFC 8058 one-click): refuses the campaign's consent")
  public String unsubscribe(@PathParam("deliveryId") String deliveryId) {
    Tracked t = tracked(deliveryId);
    profiles.suppress(t.workspaceId(), t.profileId(), t.consentCategory(), clock.instant());
    if (store.engage(t, "unsubscribed", -1, clock.instant())) {
      publish(t, DeliveryResult.Status.UNSUBSCRIBED, null);
    }
    return "<!doctype html><html><body><p>You are unsubscribed.</p></body></html>";
  }

  @POST
  @Path("t/sms/{deliveryId}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Blocking
  @Operation(summary = "SMS provider status callback (Twilio shape: MessageStatus)")
  public Response smsStatus(
      @PathParam("deliveryId") String deliveryId, @FormParam("MessageStatus") String status) {
    Tracked t = tracked(deliveryId);
    String value = status == null ? "" : status.toLowerCase(Locale.ROOT);
    if (value.equals("delivered") && store.engage(t, "delivered", -1, clock.instant())) {
      publish(t, DeliveryResult.Status.DELIVERED, null);
    } else if ((value.equals("failed") || value.equals("undelivered"))
        && store.engage(t, "undelivered", -1, clock.instant())) {
      publish(t, DeliveryResult.Status.FAILED, "provider reported " + value);
    }
    return Response.noContent().build();
  }

  private Tracked tracked(String deliveryId) {
    return store
        .tracked(deliveryId)
        .orElseThrow(() -> ProblemException.notFound("unknown or expired link"));
  }

  private void publish(Tracked t, DeliveryResult.Status status, String url) {
    results.publish(
        t.workspaceId(),
        t.profileId(),
        t.campaignId(),
        t.id(),
        t.destinationId(),
        t.channel(),
        t.consentCategory(),
        status,
        null,
        url);
  }
}
