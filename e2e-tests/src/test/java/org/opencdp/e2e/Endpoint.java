package org.opencdp.e2e;

import java.util.EnumSet;
import java.util.Set;

/**
 * One public endpoint of one service, as the hostile-input drill sees it.
 *
 * @param path with {@code {id}} where the drill puts a hostile identifier (path attacks) or {@code
 *     target} (every other attack: a real resource of the shop workspace)
 * @param validBody a body that would succeed with the right credentials (null: no body); attacks on
 *     credentials send it, so that a hole in authorisation would show as changed data
 * @param auth how the endpoint is authenticated
 * @param attacks what the drill may send to it without being able to change the shop's data
 * @param emptyObjectAccepted {@code {}} is a valid body (a PUT whose fields all have defaults):
 *     bodies whose keys were all renamed are then valid too, and are not sent
 */
record Endpoint(
    String service,
    String method,
    String path,
    String target,
    String validBody,
    String contentType,
    Auth auth,
    Set<Attack> attacks,
    boolean emptyObjectAccepted) {

  enum Auth {
    /** Bearer token of the workspace named in the path. */
    WORKSPACE_TOKEN,
    /** Bearer token; the token alone chooses the workspace (profile-service). */
    TOKEN_SCOPED,
    /** Write key (HTTP Basic user name), the tracking API. */
    WRITE_KEY,
    /** The platform admin token. */
    ADMIN_TOKEN,
    /** Public links in messages (open pixel, click, unsubscribe, SMS callbacks). */
    NONE
  }

  enum Attack {
    /** Missing, malformed, foreign (other workspace) or wrong-kind credentials. */
    CREDENTIALS,
    /** The other workspace's token with its own workspace in the path, aimed at shop ids. */
    CROSS_WORKSPACE_IDS,
    /** Broken, mistyped, huge, deep, operator-keyed or invalid UTF-8 bodies. */
    BODY,
    /** Hostile identifiers in the path. */
    PATH,
    /** Out-of-range and mistyped query parameters. */
    QUERY,
    /** Gzip bombs and hostile event contents (tracking API only). */
    TRACKING
  }

  static Endpoint of(
      String service, String method, String path, String target, Auth auth, Attack... attacks) {
    return new Endpoint(
        service, method, path, target, null, null, auth, EnumSet.of(attacks[0], attacks), false);
  }

  Endpoint withBody(String json) {
    return withBody(json, "application/json");
  }

  Endpoint withBody(String body, String type) {
    return new Endpoint(
        service, method, path, target, body, type, auth, attacks, emptyObjectAccepted);
  }

  Endpoint withEmptyObjectAccepted() {
    return new Endpoint(service, method, path, target, validBody, contentType, auth, attacks, true);
  }

  String name() {
    return service + " " + method + " " + path;
  }

  String realPath() {
    return path.replace("{id}", target == null ? "" : target);
  }
}
