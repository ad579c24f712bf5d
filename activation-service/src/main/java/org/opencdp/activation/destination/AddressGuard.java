package org.opencdp.activation.destination;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.opencdp.activation.config.ActivationConfig;

/**
 * Keeps destinations (set by workspace users) from reaching this platform's own network (SSRF):
 * URLs must be http(s), and the host must resolve only to public addresses, not loopback,
 * link-local (169.254.0.0/16 with cloud metadata, fe80::/10), private (10/8, 172.16/12, 192.168/16,
 * 100.64/10, fc00::/7), multicast, broadcast or unspecified ones. Checked when a destination is
 * saved and again right before each send, because what a name resolves to can change. An operator
 * allow-list ({@code cdp.activation.destinations.*}) lets chosen internal hosts through (the local
 * demo and the tests deliver to 127.0.0.1).
 */
@ApplicationScoped
public class AddressGuard {
  /** Name resolution, replaceable in unit tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final Resolver resolver;
  private final boolean allowPrivate;
  private final Set<String> allowedHosts;

  @Inject
  AddressGuard(ActivationConfig config) {
    this(
        InetAddress::getAllByName,
        config.destinations().allowPrivate(),
        config.destinations().allowedPrivateHosts().orElse(List.of()));
  }

  public AddressGuard(Resolver resolver, boolean allowPrivate, List<String> allowedHosts) {
    this.resolver = resolver;
    this.allowPrivate = allowPrivate;
    this.allowedHosts =
        allowedHosts.stream()
            .map(String::trim)
            .filter(h -> !h.isEmpty())
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * Why this URL may not be called, or empty when it may. A host that does not resolve is not
   * refused here (nothing can be reached through it); {@code strictResolution} refuses it too.
   */
  public Optional<String> refuseUrl(String url, boolean strictResolution) {
    Optional<String> invalid = refuseUrlShape(url);
    return invalid.isPresent() ? invalid : refuseHost(URI.create(url).getHost(), strictResolution);
  }

  private static Optional<String> refuseUrlShape(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return Optional.of("not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("only http and https URLs are allowed");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      return Optional.of("the URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("credentials in the URL are not allowed; use the secret");
    }
    return Optional.empty();
  }

  /**
   * Why a destination with these settings may not be used, naming the setting, or empty when it
   * may: the URL of webhooks, the base URL of SMS providers and audience APIs, the SMTP host.
   */
  public Optional<String> refuse(
      DestinationType type, Map<String, Object> config, boolean strictResolution) {
    String key =
        switch (type) {
          case WEBHOOK -> "url";
          case SMS, AUDIENCE -> "baseUrl";
          case EMAIL -> "host";
          case KAFKA -> null;
        };
    if (key == null || config.get(key) == null) {
      return Optional.empty();
    }
    String value = config.get(key).toString();
    Optional<String> refusal =
        type == DestinationType.EMAIL
            ? refuseHost(value, strictResolution)
            : refuseUrl(value, strictResolution);
    return refusal.map(reason -> "config." + key + ": " + reason);
  }

  /** Why this host may not be contacted, or empty when it may (see {@link #refuseUrl}). */
  public Optional<String> refuseHost(String rawHost, boolean strictResolution) {
    Target target = checkHost(rawHost);
    if (target.unresolved()) {
      return strictResolution ? Optional.of("the host does not resolve") : Optional.empty();
    }
    return Optional.ofNullable(target.refusal());
  }

  /**
   * Where a send to this URL may connect, checked right before it: a refusal, a host that does not
   * resolve now, or the checked address to connect to (null when the operator allowed the host, so
   * the client may resolve it itself). Connecting to the checked address, not to a second lookup,
   * leaves no window for the name to change in between.
   */
  public Target checkUrl(String url) {
    Optional<String> invalid = refuseUrlShape(url);
    if (invalid.isPresent()) {
      return new Target(invalid.get(), false, null);
    }
    return checkHost(URI.create(url).getHost());
  }

  /** See {@link #checkUrl}. */
  public record Target(String refusal, boolean unresolved, InetAddress address) {}

  private Target checkHost(String rawHost) {
    String host = unbracket(rawHost.trim()).toLowerCase(Locale.ROOT);
    if (allowPrivate || allowedHosts.contains(host)) {
      return new Target(null, false, null);
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return new Target(null, true, null);
    }
    for (InetAddress address : addresses) {
      String kind = internalKind(address);
      if (kind != null
          && !allowedHosts.contains(address.getHostAddress().toLowerCase(Locale.ROOT))) {
        return new Target(
            "the host resolves to a " + kind + " address, which is not allowed", false, null);
      }
    }
    return addresses.length == 0
        ? new Target(null, true, null)
        : new Target(null, false, addresses[0]);
  }

  /** The kind of non-public address, or null for a public one. */
  static String internalKind(InetAddress address) {
    if (address.isLoopbackAddress()) {
      return "loopback";
    }
    if (address.isLinkLocalAddress()) {
      return "link-local";
    }
    if (address.isMulticastAddress()) {
      return "multicast";
    }
    if (address.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (address.isSiteLocalAddress()) {
      return "private";
    }
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0 || first == 255 && second == 255) {
        return first == 0 ? "unspecified" : "broadcast";
      }
      if (first == 100 && second >= 64 && second < 128) {
        return "private"; // carrier-grade NAT, 100.64.0.0/10
      }
      if (first >= 240) {
        return "reserved";
      }
    }
    if (address instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return "private"; // unique local, fc00::/7 (includes AWS metadata fd00:ec2::254)
      }
      if (isMappedOrCompatibleIpv4(b)) {
        try {
          return internalKind(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
        } catch (UnknownHostException e) {
          return "reserved";
        }
      }
    }
    return null;
  }

  private static boolean isMappedOrCompatibleIpv4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
