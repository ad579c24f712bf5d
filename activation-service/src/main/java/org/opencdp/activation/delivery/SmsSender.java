package org.opencdp.activation.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
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
  private final HttpCalls http;
  private final ActivationConfig config;

  SmsSender(HttpCalls http, ActivationConfig config) {
    this.http = http;
    this.config = config;
  }

  @Override
  public DestinationType type() {
    return DestinationType.SMS;
  }

  @Override
  public CompletionStage<Outcome> send(Destination destination, List<Delivery> batch) {
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
    return http.post(
        destination,
        trim(destination.string("baseUrl"))
            + "/2010-04-01/Accounts/"
            + URLEncoder.encode(sid, StandardCharsets.UTF_8)
            + "/Messages.json",
        Map.of(
            "Content-Type",
            "application/x-www-form-urlencoded",
            "Authorization",
            "Basic " + auth,
            "I-Twilio-Idempotency-Token",
            d.id()),
        body,
        destination.timeout(config.delivery().timeout()),
        DeliveryResult.Status.SENT);
  }

  static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
