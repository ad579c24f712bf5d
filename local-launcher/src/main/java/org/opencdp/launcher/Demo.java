package org.opencdp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Plays a customer journey through the running platform and shows each step's result: events sent
 * to the gateway as an SDK would, then the unified profile they became.
 */
final class Demo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> urls;
  private final String writeKey;
  private final String token;
  private final WebhookReceiver webhook;

  Demo(Map<String, String> urls, String writeKey, String token, WebhookReceiver webhook) {
    this.urls = urls;
    this.writeKey = writeKey;
    this.token = token;
    this.webhook = webhook;
  }

  void run() {
    String anonymousId = "anon-" + UUID.randomUUID().toString().substring(0, 8);
    String userId = "demo-user-" + UUID.randomUUID().toString().substring(0, 8);
    LocalPlatform.say("\nDemo: a visitor browses anonymously, signs up, then buys");
    String segmentId = "pro-" + UUID.randomUUID().toString().substring(0, 8);
    send(
        authorized(
                urls.get("segment-service")
                    + "/v1/workspaces/"
                    + LocalPlatform.DEMO_WORKSPACE
                    + "/segments")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"id\":\"%s\",\"name\":\"Pro plan customers\",\"condition\":{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"pro\"}}"
                        .formatted(segmentId)))
            .header("Content-Type", "application/json")
            .build());
    LocalPlatform.say("  0. marketer created segment " + segmentId + ": trait plan equals \"pro\"");
    String destinationId = createWebhookDestination();
    createWelcomeCampaign(segmentId, destinationId);
    LocalPlatform.say(
        "     and a campaign: on entering it, send a personalised webhook to " + webhook.url());
    String batch =
        """
        {"batch":[
          {"type":"page","anonymousId":"%1$s","name":"Pricing","properties":{"path":"/pricing"}},
          {"type":"identify","anonymousId":"%1$s","userId":"%2$s",
           "traits":{"email":"%2$s@example.com","firstName":"Ada","plan":"pro"},
           "context":{"consent":{"categoryPreferences":{"marketing":true}}}},
          {"type":"track","userId":"%2$s","event":"Order Completed","properties":{"revenue":99.5,"currency":"EUR"}}
        ]}
        """
            .formatted(anonymousId, userId);
    JsonNode accepted = send(post(urls.get("ingestion-service") + "/v1/batch", batch));
    LocalPlatform.say(
        "  1. gateway accepted "
            + accepted.path("accepted").asInt()
            + " events (durable in Kafka)");

    JsonNode profile = awaitProfile("user_id:" + userId);
    LocalPlatform.say(
        "  2. profile "
            + profile.path("profileId").asText(profile.path("id").asText())
            + " built from them:");
    LocalPlatform.say(
        "     " + profile.toString().substring(0, Math.min(600, profile.toString().length())));
    String profileId = profile.path("profileId").asText();
    awaitMember(segmentId, profileId);
    LocalPlatform.say(
        "  3. profile " + profileId + " entered segment " + segmentId + " (membership in Redis)");
    WebhookReceiver.Received delivery = webhook.await(WAIT);
    LocalPlatform.say("  4. webhook delivered, signed " + delivery.signature() + ":");
    LocalPlatform.say(
        "     " + delivery.body().substring(0, Math.min(400, delivery.body().length())));
    awaitTimelineEvent("user_id:" + userId, "Webhook Delivered");
    LocalPlatform.say(
        "  5. the delivery result came back through the gateway: \"Webhook Delivered\" is on the"
            + " profile's timeline");
  }

  private String createWebhookDestination() {
    String body =
        "{\"name\":\"Demo webhook\",\"type\":\"WEBHOOK\",\"config\":{\"url\":\"%s\"},\"secret\":\"demo-signing-secret\"}"
            .formatted(webhook.url());
    return send(activation("/destinations", body)).path("id").asText();
  }

  private void createWelcomeCampaign(String segmentId, String destinationId) {
    String body =
        """
        {"name":"Welcome to Pro","consentCategory":"marketing",
         "trigger":{"type":"SEGMENT_ENTERED","segmentId":"%s"},
         "steps":[{"type":"SEND","destinationId":"%s",
                   "template":"Hello {traits.firstName ?: 'there'}, welcome to {segment.name}!"}]}
        """
            .formatted(segmentId, destinationId);
    send(activation("/campaigns", body));
  }

  private HttpRequest activation(String path, String json) {
    return authorized(
            urls.get("activation-service")
                + "/v1/workspaces/"
                + LocalPlatform.DEMO_WORKSPACE
                + path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private void awaitMember(String segmentId, String profileId) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String url =
        urls.get("segment-service")
            + "/v1/workspaces/"
            + LocalPlatform.DEMO_WORKSPACE
            + "/segments/"
            + segmentId
            + "/members/"
            + profileId;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = exchange(authorized(url).GET().build());
      if (response.statusCode() == 200 && parse(response.body()).path("member").asBoolean()) {
        return;
      }
      sleep(500);
    }
    throw new IllegalStateException(
        "profile " + profileId + " did not enter " + segmentId + " in " + WAIT);
  }

  private void awaitTimelineEvent(String identifier, String eventName) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String url =
        urls.get("profile-service")
            + "/v1/profiles/"
            + identifier
            + "/events?name="
            + eventName.replace(" ", "%20");
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = exchange(authorized(url).GET().build());
      if (response.statusCode() == 200 && response.body().contains(eventName)) {
        return;
      }
      sleep(500);
    }
    throw new IllegalStateException(
        "no \"" + eventName + "\" on the timeline of " + identifier + " in " + WAIT);
  }

  private HttpRequest.Builder authorized(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
  }

  private JsonNode awaitProfile(String identifier) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    URI uri = URI.create(urls.get("profile-service") + "/v1/profiles/" + identifier);
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          exchange(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build());
      if (response.statusCode() == 200) {
        return parse(response.body());
      }
      sleep(500);
    }
    throw new IllegalStateException("no profile for " + identifier + " after " + WAIT);
  }

  private HttpRequest post(String url, String body) {
    String basic =
        Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response = exchange(request);
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
