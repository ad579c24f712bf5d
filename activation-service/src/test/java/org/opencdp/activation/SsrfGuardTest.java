package org.opencdp.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.opencdp.activation.support.ActivationTestBase;
import org.opencdp.activation.support.Receiver;
import org.opencdp.contracts.SegmentMembershipChanged.Kind;
import org.opencdp.testsupport.KafkaResource;
import org.opencdp.testsupport.PostgresResource;
import org.opencdp.testsupport.RedisResource;

/**
 * Destinations cannot point at internal addresses (the test profile allows 127.0.0.1 only, where
 * the receivers listen): refused when saved, and again at send time.
 */
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTest
class SsrfGuardTest extends ActivationTestBase {
  @Inject Pool pool;

  private static Map<String, Object> body(String type, Map<String, Object> config) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", unique("guarded"));
    body.put("type", type);
    body.put("config", config);
    body.put("secret", "s");
    return body;
  }

  private long stored() {
    return pool.preparedQuery("select count(*) as n from act_destination where workspace_id = $1")
        .executeAndAwait(Tuple.of(WS))
        .iterator()
        .next()
        .getLong("n");
  }

  @ParameterizedTest(name = "{0} {1} is refused ({2})")
  @CsvSource({
    "WEBHOOK, http://127.0.0.2:8080/hook, loopback",
    "WEBHOOK, http://[::1]/hook, loopback",
    "WEBHOOK, http://169.254.169.254/latest/meta-data/, link-local",
    "WEBHOOK, http://10.0.0.5/hook, private",
    "WEBHOOK, http://192.168.1.20/hook, private",
    "WEBHOOK, http://224.0.0.1/hook, multicast",
    "WEBHOOK, file:///etc/passwd, http",
    "WEBHOOK, gopher://127.0.0.1:6379/_FLUSHALL, http",
    "SMS, http://172.16.4.4, private",
    "AUDIENCE, http://100.64.0.9, private",
    "EMAIL, 10.1.1.1, private"
  })
  void anInternalOrNonHttpDestinationIsRefusedWhenCreatedAndNothingIsStored(
      String type, String address, String reason) {
    Map<String, Object> config = new LinkedHashMap<>();
    switch (type) {
      case "WEBHOOK" -> config.put("url", address);
      case "SMS" -> config.putAll(Map.of("baseUrl", address, "accountSid", "AC1", "from", "+1"));
      case "AUDIENCE" -> config.putAll(Map.of("baseUrl", address, "audienceId", "a1"));
      default -> config.putAll(Map.of("host", address, "from", "shop@example.test"));
    }
    long before = stored();

    api()
        .body(body(type, config))
        .post("/v1/workspaces/" + WS + "/destinations")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString(reason));

    assertThat(stored()).isEqualTo(before);
  }

  @Test
  void anUpdateToAnInternalAddressIsRefusedAndTheOldOneKept() {
    Receiver.Endpoint receiver = Receiver.endpoint(200);
    String id = webhook(receiver);

    api()
        .body(body("WEBHOOK", Map.of("url", "http://169.254.169.254/latest/meta-data/")))
        .put("/v1/workspaces/" + WS + "/destinations/" + id)
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("config.url"));

    api()
        .get("/v1/workspaces/" + WS + "/destinations/" + id)
        .then()
        .statusCode(200)
        .body("config.url", equalTo(receiver.url));
  }

  @Test
  void theOperatorAllowListLetsTheLocalReceiverThrough() {
    Receiver.Endpoint receiver = Receiver.endpoint(200);
    String segment = unique("seg");
    String campaign =
        createCampaign(
            campaign(segmentEntered(segment), List.of(send(webhook(receiver), null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "DELIVERED", 1);
    assertThat(receiver.count()).isEqualTo(1);
  }

  @Test
  void aDestinationThatNowPointsInsideIsRefusedAtSendTime() {
    Receiver.Endpoint receiver = Receiver.endpoint(200);
    String destination = webhook(receiver);
    String segment = unique("seg");
    String campaign =
        createCampaign(campaign(segmentEntered(segment), List.of(send(destination, null, null))));
    String profile = unique("p");
    profile(profile, Map.of(), consent());
    // what was checked when saved has changed since (a DNS record, a row written before the guard)
    pool.preparedQuery("update act_destination set config = $2, updated_at = now() where id = $1")
        .executeAndAwait(Tuple.of(destination, "{\"url\":\"http://10.255.255.1/hook\"}"));
    sleepPast(Duration.ofSeconds(1)); // the destination cache (0.5 s in tests)

    membership(profile, segment, Kind.ENTERED);

    awaitStatus(campaign, "FAILED", 1);
    assertThat(log(campaign).get(0).detail()).isEqualTo("destination address refused");
    assertThat(deliveries.deadLetters(WS, 500))
        .anyMatch(d -> d.campaignId().equals(campaign) && d.attempts() == 1);
    assertThat(receiver.count()).isZero();
  }

  private static void sleepPast(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
