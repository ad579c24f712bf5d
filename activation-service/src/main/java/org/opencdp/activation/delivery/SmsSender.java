package org.opencdp.activation.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.opencdp.activation.config.ActivationConfig;
import org.opencdp.activation.destination.Destination;
import org.opencdp.activation.destination.DestinationType;
import org.opencdp.contracts.DeliveryResult;

/**
 * SMS in Twilio's request shape: {@code POST
 * <baseUrl>/2010-04-01/Accounts/<accountSid>/Messages.json} with form fields To, From, Body and
 * StatusCallback, basic auth accountSid:authToken (the secret). The provider's status callback
 * reports DELIVERED.
 */
@ApplicationScoped
public class SmsSender implements Sender {
  private final HttpClient http;
  private final ActivationConfig config;

  SmsSender(HttpClient http, ActivationConfig config) {
    this.http = http;
    this.config = config;
  }

  @Override
  public DestinationType type() {
    return DestinationType.SMS;
  }

  @Override
  public Outcome send(Destination destination, List<Delivery> batch) {
    Delivery d = batch.get(0);
    String sid = destination.string("accountSid");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("To", d.message().to());
    form.put("From", destination.string("from"));
    form.put("Body", d.message().body());
    form.put("StatusCallback", config.publicBaseUrl() + "/t/sms/" + d.id());
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (sid + ":" + (destination.secret() == null ? "" : destination.secret()))
                    .getBytes(StandardCharsets.UTF_8));
    try {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      trim(destination.string("baseUrl"))
                          + "/2010-04-01/Accounts/"
                          + URLEncoder.encode(sid, StandardCharsets.UTF_8)
                          + "/Messages.json"))
              .timeout(destination.timeout(config.delivery().timeout()))
              .header("Content-Type", "application/x-www-form-urlencoded")
              .header("Authorization", "Basic " + auth)
              .header("I-Twilio-Idempotency-Token", d.id())
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return Outcome.ofHttp(response.statusCode(), DeliveryResult.Status.SENT);
    } catch (HttpTimeoutException e) {
      return Outcome.retryable("timeout");
    } catch (IOException e) {
      return Outcome.retryable("I/O " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.retryable("interrupted");
    }
  }

  static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
