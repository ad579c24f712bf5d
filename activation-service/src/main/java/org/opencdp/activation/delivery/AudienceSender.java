package org.opencdp.activation.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.contracts.DeliveryResult;

/**
 * Audience sync to an ads/CRM API: {@code POST <baseUrl>/audiences/<audienceId>/members} with
 * {@code {"add": [...], "remove": [...]}} of SHA-256 hashed, normalised email addresses (the form
 * ad platforms match on), bearer token = the secret. Up to {@code batchSize} members per call.
 */
@ApplicationScoped
public class AudienceSender implements Sender {
  private final HttpClient http;
  private final ObjectMapper json;
  private final ActivationConfig config;

  AudienceSender(HttpClient http, ObjectMapper json, ActivationConfig config) {
    this.http = http;
    this.json = json;
    this.config = config;
  }

  @Override
  public DestinationType type() {
    return DestinationType.AUDIENCE;
  }

  @Override
  public int batchSize(Destination destination) {
    return Math.max(1, Math.min(10_000, destination.integer("batchSize", 100)));
  }

  @Override
  public Outcome send(Destination destination, List<Delivery> batch) {
    List<String> add = new ArrayList<>();
    List<String> remove = new ArrayList<>();
    for (Delivery d : batch) {
      ("remove".equals(d.message().op()) ? remove : add).add(d.message().to());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("add", add);
    body.put("remove", remove);
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create(
                      SmsSender.trim(destination.string("baseUrl"))
                          + "/audiences/"
                          + URLEncoder.encode(
                              destination.string("audienceId"), StandardCharsets.UTF_8)
                          + "/members"))
              .timeout(destination.timeout(config.delivery().timeout()))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", batch.get(0).id() + "+" + batch.size())
              .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
      if (destination.secret() != null) {
        request.header("Authorization", "Bearer " + destination.secret());
      }
      HttpResponse<Void> response =
          http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      return Outcome.ofHttp(response.statusCode(), DeliveryResult.Status.DELIVERED);
    } catch (HttpTimeoutException e) {
      return Outcome.retryable("timeout");
    } catch (IOException e) {
      return Outcome.retryable("I/O " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retryable("interrupted");
    }
  }
}
