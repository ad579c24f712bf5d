package org.opencdp.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.opencdp.e2e.Endpoint.Attack.BODY;
import static org.opencdp.e2e.Endpoint.Attack.CREDENTIALS;
import static org.opencdp.e2e.Endpoint.Attack.CROSS_WORKSPACE_IDS;
import static org.opencdp.e2e.Endpoint.Attack.PATH;
import static org.opencdp.e2e.Endpoint.Attack.QUERY;
import static org.opencdp.e2e.Endpoint.Attack.TRACKING;
import static org.opencdp.e2e.Endpoint.Auth.ADMIN_TOKEN;
import static org.opencdp.e2e.Endpoint.Auth.NONE;
import static org.opencdp.e2e.Endpoint.Auth.TOKEN_SCOPED;
import static org.opencdp.e2e.Endpoint.Auth.WORKSPACE_TOKEN;
import static org.opencdp.e2e.Endpoint.Auth.WRITE_KEY;
import static org.opencdp.e2e.Platform.ACTIVATION;
import static org.opencdp.e2e.Platform.GATEWAY;
import static org.opencdp.e2e.Platform.IDENTITY;
import static org.opencdp.e2e.Platform.PROFILE;
import static org.opencdp.e2e.Platform.SEGMENT;
import static org.opencdp.e2e.Platform.SHOP;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opencdp.contracts.Topics;

/**
 * The bad-input drill: at least 10,000 seeded malformed or hostile requests against every public
 * endpoint of the five services, some with the other workspace's credentials. No answer may be a
 * 5xx, every 4xx must be {@code application/problem+json}, the services must stay healthy, and
 * neither Kafka nor the shop's data may change.
 */
@ExtendWith(Platform.Extension.class)
class HostileInputIT {
  private static final long SEED = Long.getLong("hostile.seed", 20261125L);
  private static final int REQUESTS = Integer.getInteger("hostile.requests", 10_500);
  private static final int THREADS = 4;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final List<String> WATCHED_TOPICS =
      List.of(Topics.EVENTS_RAW, Topics.PRIVACY_REQUESTS, Topics.IDENTITY_MERGES);

  private final Platform platform;
  private final Http shop = new Http(SHOP.token());
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  private String profileId;
  private String segmentId;
  private String destinationId;
  private String campaignId;
  private String importJobId;
  private final String userId = "drill-person-" + run;
  private final String anonymousId = "hostile-anon-" + run;
  private final String computedTrait = "hostile_probe_count_" + run;

  /** In the shop's data only, never in a request path: an answer carrying it leaks shop data. */
  private final String secret = "confidential-" + run;

  HostileInputIT(Platform platform) {
    this.platform = platform;
  }

  @Test
  void tenThousandHostileRequestsAreRefusedCleanlyAndChangeNothing() throws Exception {
    seedTheShop();
    Map<String, String> before = shopSnapshot();
    Map<String, Long> offsetsBefore = endOffsets();

    List<Endpoint> endpoints = endpoints();
    Results results = fire(endpoints);
    String summary = results.summary(endpoints);
    System.out.println(summary);
    Files.writeString(Path.of("target", "hostile-input-summary.txt"), summary);

    assertThat(results.requests.get()).isGreaterThanOrEqualTo(10_000);
    assertThat(results.violations.stream().limit(40).toList())
        .as("answers breaking the rules (first 40; all in target/hostile-input-summary.txt)")
        .isEmpty();
    for (String service : Platform.SERVICES) {
      assertThat(platform.service(service).isAlive()).as(service + " alive").isTrue();
      assertThat(
              Http.send(
                      java.net.http.HttpRequest.newBuilder(
                              java.net.URI.create(platform.url(service) + "/q/health/ready"))
                          .build())
                  .status())
          .as(service + " ready")
          .isEqualTo(200);
    }
    assertThat(endOffsets()).as("messages on %s", WATCHED_TOPICS).isEqualTo(offsetsBefore);
    assertThat(shopSnapshot()).as("the shop's data").isEqualTo(before);
  }

  // ---- the shop's data the drill aims at -----------------------------------------------------

  private void seedTheShop() {
    String batch =
        """
        {"batch":[{"type":"identify","userId":"%s","anonymousId":"%s",
                   "traits":{"email":"%s@hostile-drill.test","plan":"basic","note":"%s"}}]}"""
            .formatted(userId, anonymousId, userId, secret);
    Http.Response accepted =
        Http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(platform.url(GATEWAY) + "/v1/batch"))
                .header("Authorization", basicWriteKey())
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch))
                .build());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    profileId =
        await("seeded profile")
            .atMost(WAIT)
            .until(
                () -> shop.get(platform.url(PROFILE) + "/v1/profiles/user_id:" + userId),
                r -> r.status() == 200)
            .json()
            .path("profileId")
            .asText();
    await("seeded identity graph")
        .atMost(WAIT)
        .until(
            () ->
                shop.get(
                        platform.url(IDENTITY)
                            + "/v1/workspaces/shop/identifiers/anonymous_id/"
                            + anonymousId)
                    .status(),
            status -> status == 200);
    shop.put(
            platform.url(PROFILE) + "/v1/computed-traits/" + computedTrait,
            "{\"aggregation\":\"COUNT\",\"event\":\"Hostile Probe\"}")
        .expect(200);
    segmentId = "hostile-target-" + run;
    shop.post(
            platform.url(SEGMENT) + "/v1/workspaces/shop/segments",
            """
            {"id":"%s","name":"Basic plan %s","condition":{"trait":"plan","op":"equals","value":"basic"}}"""
                .formatted(segmentId, secret))
        .expect(201);
    destinationId =
        shop.post(
                platform.url(ACTIVATION) + "/v1/workspaces/shop/destinations",
                """
                {"name":"Drill hook %s","type":"WEBHOOK","config":{"url":"http://127.0.0.1:9/hook"}}"""
                    .formatted(secret))
            .expect(201)
            .path("id")
            .asText();
    campaignId =
        shop.post(
                platform.url(ACTIVATION) + "/v1/workspaces/shop/campaigns",
                """
                {"name":"Drill %s","consentCategory":"marketing","active":false,
                 "trigger":{"type":"EVENT","event":"Never Sent %s"},
                 "steps":[{"type":"SEND","destinationId":"%s","template":"hi"}]}"""
                    .formatted(secret, run, destinationId))
            .expect(201)
            .path("id")
            .asText();
    importJobId =
        shop.post(
                platform.url(GATEWAY)
                    + "/api/v1/workspaces/shop/sources/website/imports?kind=events&format=ndjson",
                "application/x-ndjson",
                "{\"type\":\"track\",\"event\":\"Imported Probe\",\"userId\":\"%s\"}\n"
                    .formatted(userId))
            .expect(202)
            .path("id")
            .asText();
    await("seed import done")
        .atMost(WAIT)
        .until(
            () ->
                shop.get(
                        platform.url(GATEWAY)
                            + "/api/v1/workspaces/shop/sources/website/imports/"
                            + importJobId)
                    .json()
                    .path("status")
                    .asText(),
            status -> status.equals("DONE"));
    // The seeded events settle (profile, segment entry) before the snapshot is taken.
    await("seed settled")
        .atMost(WAIT)
        .until(
            () ->
                shop.get(
                        platform.url(SEGMENT)
                            + "/v1/workspaces/shop/segments/"
                            + segmentId
                            + "/members/"
                            + profileId)
                    .json()
                    .path("member")
                    .asBoolean());
    await("imported event on the timeline")
        .atMost(WAIT)
        .until(
            () ->
                shop.get(platform.url(PROFILE) + "/v1/profiles/" + profileId + "/events")
                    .body()
                    .contains("Imported Probe"));
  }

  /** What the shop can read of its own data, by the public APIs. */
  private Map<String, String> shopSnapshot() {
    Map<String, String> reads = new LinkedHashMap<>();
    String gateway = platform.url(GATEWAY) + "/api/v1/workspaces/shop";
    String identity = platform.url(IDENTITY) + "/v1/workspaces/shop";
    String profile = platform.url(PROFILE) + "/v1";
    String segment = platform.url(SEGMENT) + "/v1/workspaces/shop";
    String activation = platform.url(ACTIVATION) + "/v1/workspaces/shop";
    for (String url :
        List.of(
            gateway + "/sources",
            gateway + "/sources/website/write-keys",
            identity + "/profiles/" + profileId,
            identity + "/identity-rules",
            identity + "/audit",
            profile + "/profiles/" + profileId,
            profile + "/profiles/" + profileId + "/events",
            profile + "/profiles/" + profileId + "/consent",
            profile + "/computed-traits",
            segment + "/segments",
            segment + "/segments/" + segmentId,
            segment + "/profiles/" + profileId + "/segments",
            segment + "/jobs",
            activation + "/destinations",
            activation + "/campaigns",
            activation + "/dead-letters")) {
      Http.Response response = shop.get(url);
      reads.put(url, response.status() + " " + response.body());
    }
    return reads;
  }

  private Map<String, Long> endOffsets() {
    Map<String, Object> config =
        Map.of(
            "bootstrap.servers", platform.kafka().bootstrapServers(),
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      Map<String, Long> totals = new TreeMap<>();
      for (String topic : WATCHED_TOPICS) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        totals.put(
            topic,
            consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum());
      }
      return totals;
    }
  }

  // ---- every public endpoint -----------------------------------------------------------------

  private List<Endpoint> endpoints() {
    List<Endpoint> all = new ArrayList<>();
    String event =
        "{\"type\":\"track\",\"userId\":\"%s\",\"event\":\"Hostile Probe\"}".formatted(userId);
    for (String call :
        List.of(
            "identify",
            "track",
            "page",
            "screen",
            "group",
            "alias",
            "i",
            "t",
            "p",
            "s",
            "g",
            "a")) {
      all.add(
          Endpoint.of(GATEWAY, "POST", "/v1/" + call, null, WRITE_KEY, CREDENTIALS, TRACKING)
              .withBody(event));
    }
    for (String batch : List.of("batch", "import", "b")) {
      all.add(
          Endpoint.of(GATEWAY, "POST", "/v1/" + batch, null, WRITE_KEY, CREDENTIALS, TRACKING)
              .withBody("{\"batch\":[" + event + "]}"));
    }
    all.add(
        Endpoint.of(GATEWAY, "GET", "/v1/projects/{id}/settings", "wk_unknown_key", NONE, PATH));
    String ws = "/api/v1/workspaces";
    all.add(
        Endpoint.of(GATEWAY, "POST", ws, null, ADMIN_TOKEN, CREDENTIALS, BODY)
            .withBody("{\"id\":\"hostile-ws-" + run + "\",\"name\":\"Hostile\"}"));
    all.add(
        Endpoint.of(GATEWAY, "POST", ws + "/shop/tokens", null, WORKSPACE_TOKEN, CREDENTIALS)
            .withBody("{\"name\":\"hostile\"}"));
    all.add(Endpoint.of(GATEWAY, "GET", ws + "/shop/sources", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(
                GATEWAY,
                "PUT",
                ws + "/shop/sources/{id}",
                "website",
                WORKSPACE_TOKEN,
                CREDENTIALS,
                BODY)
            .withBody(
                "{\"name\":\"Hostile rename\",\"rateLimitPerSecond\":1,\"planMode\":\"BLOCK\"}")
            .withEmptyObjectAccepted());
    all.add(
        Endpoint.of(
            GATEWAY,
            "GET",
            ws + "/shop/sources/{id}",
            "website",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            GATEWAY,
            "DELETE",
            ws + "/shop/sources/{id}",
            "website",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
                GATEWAY,
                "POST",
                ws + "/shop/sources/{id}/write-keys",
                "website",
                WORKSPACE_TOKEN,
                CREDENTIALS)
            .withBody("{\"name\":\"hostile\"}"));
    all.add(
        Endpoint.of(
            GATEWAY,
            "GET",
            ws + "/shop/sources/{id}/write-keys",
            "website",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            GATEWAY,
            "DELETE",
            ws + "/shop/sources/website/write-keys/{id}",
            "no-such-key",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            GATEWAY,
            "GET",
            ws + "/shop/rejected-events",
            null,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            QUERY));
    all.add(
        Endpoint.of(
                GATEWAY,
                "POST",
                ws + "/shop/sources/{id}/imports?kind=events&format=csv",
                "website",
                WORKSPACE_TOKEN,
                CREDENTIALS,
                PATH)
            .withBody("type,event,userId\ntrack,Hostile Probe," + userId + "\n", "text/csv"));
    all.add(
        Endpoint.of(
            GATEWAY,
            "GET",
            ws + "/shop/sources/website/imports/{id}",
            importJobId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            GATEWAY,
            "GET",
            ws + "/shop/sources/website/imports/{id}/errors",
            importJobId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));

    String id = "/v1/workspaces/shop";
    all.add(
        Endpoint.of(
            IDENTITY,
            "GET",
            id + "/identifiers/user_id/{id}",
            userId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(IDENTITY, "GET", id + "/identifiers/{id}/x", "email", WORKSPACE_TOKEN, PATH));
    all.add(
        Endpoint.of(
            IDENTITY,
            "GET",
            id + "/profiles/{id}",
            profileId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            IDENTITY,
            "GET",
            id + "/profiles/{id}/merges",
            profileId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                IDENTITY,
                "POST",
                id + "/profiles/{id}/detach",
                profileId,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                CROSS_WORKSPACE_IDS,
                BODY,
                PATH)
            .withBody(
                "{\"type\":\"anonymous_id\",\"value\":\""
                    + anonymousId
                    + "\",\"reason\":\"drill\"}"));
    all.add(
        Endpoint.of(
            IDENTITY,
            "GET",
            id + "/merges/{id}",
            "00000000-0000-0000-0000-000000000000",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
                IDENTITY,
                "POST",
                id + "/merges/{id}/undo",
                "00000000-0000-0000-0000-000000000000",
                WORKSPACE_TOKEN,
                CREDENTIALS,
                BODY,
                PATH)
            .withBody("{\"reason\":\"drill\"}"));
    all.add(
        Endpoint.of(
            IDENTITY, "GET", id + "/rejections", null, WORKSPACE_TOKEN, CREDENTIALS, QUERY));
    all.add(Endpoint.of(IDENTITY, "GET", id + "/audit", null, WORKSPACE_TOKEN, CREDENTIALS, QUERY));
    all.add(
        Endpoint.of(IDENTITY, "GET", id + "/identity-rules", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(
                IDENTITY, "PUT", id + "/identity-rules", null, WORKSPACE_TOKEN, CREDENTIALS, BODY)
            .withBody(
                "{\"identifierTypes\":[{\"type\":\"user_id\",\"priority\":1,\"limit\":1}],"
                    + "\"defaultPriority\":50,\"defaultLimit\":10,\"blockedValues\":[]}"));
    all.add(
        Endpoint.of(
            IDENTITY, "DELETE", id + "/identity-rules", null, WORKSPACE_TOKEN, CREDENTIALS));

    String profiles = "/v1/profiles/{id}";
    for (String read : List.of("", "/traits", "/identities", "/consent", "/export")) {
      all.add(
          Endpoint.of(PROFILE, "GET", profiles + read, profileId, TOKEN_SCOPED, CREDENTIALS, PATH));
    }
    for (String list : List.of("/events", "/audit")) {
      all.add(
          Endpoint.of(
              PROFILE, "GET", profiles + list, profileId, TOKEN_SCOPED, CREDENTIALS, PATH, QUERY));
    }
    all.add(
        Endpoint.of(
                PROFILE,
                "PUT",
                profiles + "/consent",
                profileId,
                TOKEN_SCOPED,
                CREDENTIALS,
                BODY,
                PATH)
            .withBody("{\"categories\":{\"marketing\":false}}"));
    all.add(Endpoint.of(PROFILE, "DELETE", profiles, profileId, TOKEN_SCOPED, CREDENTIALS, PATH));
    all.add(
        Endpoint.of(
            PROFILE,
            "POST",
            profiles + "/suppression",
            profileId,
            TOKEN_SCOPED,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            PROFILE,
            "POST",
            profiles + "/anonymization",
            profileId,
            TOKEN_SCOPED,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            PROFILE,
            "GET",
            "/v1/privacy-requests/{id}",
            "00000000-0000-0000-0000-000000000000",
            TOKEN_SCOPED,
            CREDENTIALS,
            PATH));
    all.add(Endpoint.of(PROFILE, "GET", "/v1/computed-traits", null, TOKEN_SCOPED, CREDENTIALS));
    all.add(
        Endpoint.of(
                PROFILE,
                "PUT",
                "/v1/computed-traits/drill_never_" + run,
                null,
                TOKEN_SCOPED,
                CREDENTIALS,
                BODY)
            .withBody(
                "{\"aggregation\":\"SUM\",\"event\":\"Hostile Probe\",\"property\":\"n\",\"windowDays\":7}"));
    all.add(
        Endpoint.of(
            PROFILE,
            "DELETE",
            "/v1/computed-traits/{id}",
            computedTrait,
            TOKEN_SCOPED,
            CREDENTIALS,
            PATH));

    String seg = "/v1/workspaces/shop";
    all.add(Endpoint.of(SEGMENT, "GET", seg + "/segments", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(SEGMENT, "POST", seg + "/segments", null, WORKSPACE_TOKEN, CREDENTIALS, BODY)
            .withBody(
                "{\"id\":\"drill-new-"
                    + run
                    + "\",\"name\":\"Drill\",\"condition\":{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"x\"}}"));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/segments/{id}",
            segmentId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                SEGMENT,
                "PUT",
                seg + "/segments/{id}",
                segmentId,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                CROSS_WORKSPACE_IDS,
                BODY,
                PATH)
            .withBody(
                "{\"name\":\"Drill renamed\",\"condition\":{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"y\"}}"));
    all.add(
        Endpoint.of(
            SEGMENT,
            "DELETE",
            seg + "/segments/{id}",
            segmentId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                SEGMENT,
                "POST",
                seg + "/segments/preview",
                null,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                BODY)
            .withBody(
                "{\"condition\":{\"trait\":\"plan\",\"op\":\"equals\",\"value\":\"basic\"},\"sampleSize\":5}"));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/segments/{id}/members",
            segmentId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH,
            QUERY));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/segments/" + segmentId + "/members/{id}",
            profileId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/segments/{id}/history",
            segmentId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH,
            QUERY));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/profiles/{id}/segments",
            profileId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/profiles/{id}/history",
            profileId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            SEGMENT, "POST", seg + "/membership/rebuild", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(
            SEGMENT,
            "GET",
            seg + "/jobs/{id}",
            "00000000-0000-0000-0000-000000000000",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(Endpoint.of(SEGMENT, "GET", seg + "/jobs", null, WORKSPACE_TOKEN, CREDENTIALS, QUERY));

    String act = "/v1/workspaces/shop";
    String destination =
        "{\"name\":\"Drill %s\",\"type\":\"WEBHOOK\",\"config\":{\"url\":\"http://127.0.0.1:9/x\"}}";
    String campaign =
        "{\"name\":\"Drill %s\",\"consentCategory\":\"marketing\",\"trigger\":{\"type\":\"EVENT\",\"event\":\"Never %s\"},"
            + "\"steps\":[{\"type\":\"SEND\",\"destinationId\":\"%s\",\"template\":\"hi\"}]}";
    all.add(
        Endpoint.of(ACTIVATION, "GET", act + "/destinations", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(
                ACTIVATION, "POST", act + "/destinations", null, WORKSPACE_TOKEN, CREDENTIALS, BODY)
            .withBody(destination.formatted("new " + run)));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "GET",
            act + "/destinations/{id}",
            destinationId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                ACTIVATION,
                "PUT",
                act + "/destinations/{id}",
                destinationId,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                CROSS_WORKSPACE_IDS,
                BODY,
                PATH)
            .withBody(destination.formatted("renamed " + run)));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "DELETE",
            act + "/destinations/{id}",
            destinationId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(Endpoint.of(ACTIVATION, "GET", act + "/campaigns", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(
        Endpoint.of(
                ACTIVATION, "POST", act + "/campaigns", null, WORKSPACE_TOKEN, CREDENTIALS, BODY)
            .withBody(campaign.formatted("new " + run, run, destinationId)));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "GET",
            act + "/campaigns/{id}",
            campaignId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                ACTIVATION,
                "PUT",
                act + "/campaigns/{id}",
                campaignId,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                CROSS_WORKSPACE_IDS,
                BODY,
                PATH)
            .withBody(campaign.formatted("renamed " + run, run, destinationId)));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "DELETE",
            act + "/campaigns/{id}",
            campaignId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
                ACTIVATION,
                "POST",
                act + "/campaigns/{id}/preview",
                campaignId,
                WORKSPACE_TOKEN,
                CREDENTIALS,
                CROSS_WORKSPACE_IDS,
                BODY,
                PATH)
            .withBody("{\"profileId\":\"" + profileId + "\"}"));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "GET",
            act + "/campaigns/{id}/stats",
            campaignId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "GET",
            act + "/campaigns/{id}/journeys",
            campaignId,
            WORKSPACE_TOKEN,
            CREDENTIALS,
            CROSS_WORKSPACE_IDS,
            PATH,
            QUERY));
    all.add(
        Endpoint.of(
            ACTIVATION, "GET", act + "/deliveries", null, WORKSPACE_TOKEN, CREDENTIALS, QUERY));
    all.add(
        Endpoint.of(
            ACTIVATION, "GET", act + "/dead-letters", null, WORKSPACE_TOKEN, CREDENTIALS, QUERY));
    all.add(
        Endpoint.of(
            ACTIVATION,
            "POST",
            act + "/dead-letters/{id}/replay",
            "00000000-0000-0000-0000-000000000000",
            WORKSPACE_TOKEN,
            CREDENTIALS,
            PATH));
    all.add(
        Endpoint.of(
            ACTIVATION, "POST", act + "/dead-letters/replay", null, WORKSPACE_TOKEN, CREDENTIALS));
    all.add(Endpoint.of(ACTIVATION, "GET", "/t/o/{id}", "no-such-delivery", NONE, PATH));
    all.add(Endpoint.of(ACTIVATION, "GET", "/t/c/{id}/0", "no-such-delivery", NONE, PATH));
    all.add(Endpoint.of(ACTIVATION, "GET", "/unsubscribe/{id}", "no-such-delivery", NONE, PATH));
    all.add(Endpoint.of(ACTIVATION, "POST", "/unsubscribe/{id}", "no-such-delivery", NONE, PATH));
    all.add(
        Endpoint.of(ACTIVATION, "POST", "/t/sms/{id}", "no-such-delivery", NONE, PATH)
            .withBody("MessageStatus=delivered", "application/x-www-form-urlencoded"));
    return all;
  }

  // ---- firing and judging ------------------------------------------------------------------

  private Results fire(List<Endpoint> endpoints) throws Exception {
    HostileRequests generator =
        new HostileRequests(
            SEED,
            Map.of(
                GATEWAY, platform.url(GATEWAY),
                IDENTITY, platform.url(IDENTITY),
                PROFILE, platform.url(PROFILE),
                SEGMENT, platform.url(SEGMENT),
                ACTIVATION, platform.url(ACTIVATION)));
    List<HostileRequests.Planned> plan = new ArrayList<>(REQUESTS);
    for (int i = 0; i < REQUESTS; i++) {
      plan.add(generator.next(endpoints.get(i % endpoints.size())));
    }
    Results results = new Results();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    long started = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (HostileRequests.Planned planned : plan) {
        done.add(pool.submit(() -> results.judge(planned, exchange(client, planned))));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    results.seconds = (System.nanoTime() - started) / 1e9;
    return results;
  }

  private static Http.Response exchange(HttpClient client, HostileRequests.Planned planned) {
    try {
      HttpResponse<byte[]> response;
      try {
        response = client.send(planned.request(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException closedBeforeAnswer) {
        // A pooled connection the server had just closed: the request was never answered.
        if (!String.valueOf(closedBeforeAnswer.getMessage()).contains("received no bytes")) {
          throw closedBeforeAnswer;
        }
        response = client.send(planned.request(), HttpResponse.BodyHandlers.ofByteArray());
      }
      return new Http.Response(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(""),
          new String(response.body(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Http.Response(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Http.Response(-1, "", "interrupted");
    }
  }

  /** Counts and rule violations, filled from the worker threads. */
  private final class Results {
    final AtomicLong requests = new AtomicLong();
    final Map<String, AtomicLong> perEndpoint = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> perAttack = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    final AtomicLong violationCount = new AtomicLong();
    final AtomicLong transportRefusals = new AtomicLong();
    double seconds;

    void judge(HostileRequests.Planned planned, Http.Response response) {
      requests.incrementAndGet();
      String endpoint = planned.endpoint().name();
      int status = response.status();
      perEndpoint.computeIfAbsent(endpoint, k -> new AtomicLong()).incrementAndGet();
      statuses
          .computeIfAbsent(
              planned.endpoint().service() + " " + (status < 0 ? "io-error" : status),
              k -> new AtomicLong())
          .incrementAndGet();
      perAttack
          .computeIfAbsent(
              planned.attack() + "/" + planned.variant().replaceAll("id .*", "id"),
              k -> new AtomicLong())
          .incrementAndGet();
      boolean transportLimit =
          (status == 413 || status == 414 || status == 431) && response.body().isEmpty();
      if (transportLimit) {
        transportRefusals.incrementAndGet();
      }
      boolean foreign =
          planned.attack() == Endpoint.Attack.CREDENTIALS
              || planned.attack() == Endpoint.Attack.CROSS_WORKSPACE_IDS;
      String problem = null;
      if (status < 0 && !planned.mayDropConnection()) {
        problem = "no answer (" + response.body() + ")";
      } else if (status >= 500) {
        problem = "server error";
      } else if (status >= 400
          && !transportLimit
          && !response.contentType().startsWith("application/problem+json")) {
        problem = "4xx without problem+json (Content-Type '" + response.contentType() + "')";
      } else if (status >= 200 && status < 400 && planned.mustRefuse()) {
        problem = "accepted";
      } else if (foreign
          && (response.body().contains(secret)
              || (response.body().contains(userId)
                  && !planned.request().uri().toString().contains(userId)))) {
        problem = "shop data answered to foreign credentials";
      }
      if (problem != null && violationCount.incrementAndGet() <= 2_000) {
        violations.add(
            problem
                + ": "
                + planned.request().method()
                + " "
                + abbreviate(planned.request().uri().toString(), 160)
                + " ["
                + planned.attack()
                + " "
                + abbreviate(planned.variant(), 60)
                + "] -> "
                + status
                + " "
                + abbreviate(response.body(), 200));
      }
    }

    String summary(List<Endpoint> endpoints) {
      StringBuilder out = new StringBuilder();
      out.append(
          String.format(
              "Hostile-input drill: %d requests (seed %d, %d threads) in %.1f s against %d endpoints%n",
              requests.get(), SEED, THREADS, seconds, endpoints.size()));
      out.append("Status per service:\n");
      new TreeMap<>(statuses)
          .forEach((k, v) -> out.append(String.format("  %-28s %6d%n", k, v.get())));
      out.append("Requests per attack:\n");
      new TreeMap<>(perAttack)
          .forEach((k, v) -> out.append(String.format("  %-60s %6d%n", k, v.get())));
      out.append("Requests per endpoint:\n");
      new TreeMap<>(perEndpoint)
          .forEach((k, v) -> out.append(String.format("  %-100s %6d%n", k, v.get())));
      out.append(
          String.format(
              "Refused by the HTTP layer before the application (413/414/431, empty body): %d%n",
              transportRefusals.get()));
      out.append("Violations: ").append(violationCount.get()).append('\n');
      violations.forEach(v -> out.append("  ").append(v).append('\n'));
      return out.toString();
    }
  }

  private static String abbreviate(String text, int max) {
    String flat = text.replaceAll("\\s+", " ");
    return flat.length() <= max ? flat : flat.substring(0, max) + "…";
  }

  private static String basicWriteKey() {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((SHOP.writeKey() + ":").getBytes(StandardCharsets.UTF_8));
  }
}
