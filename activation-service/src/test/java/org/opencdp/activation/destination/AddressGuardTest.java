package org.opencdp.activation.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SSRF guard's address classes, the operator's allow-list and a name that changes address. */
class AddressGuardTest {
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Resolves every name to the given address, as a DNS record pointing there would. */
  private static AddressGuard guardResolvingTo(String address) {
    return new AddressGuard(host -> new InetAddress[] {ip(address)}, false, List.of());
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource({
    "127.0.0.1, loopback",
    "127.8.9.10, loopback",
    "::1, loopback",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "10.1.2.3, private",
    "172.16.0.1, private",
    "172.31.255.254, private",
    "192.168.1.1, private",
    "100.64.0.1, private",
    "fd00:ec2::254, private",
    "224.0.0.251, multicast",
    "ff02::1, multicast",
    "0.0.0.0, unspecified",
    "::ffff:10.0.0.1, private",
    "255.255.255.255, broadcast"
  })
  void internalAddressesAreRefusedBehindAnyName(String address, String kind) {
    assertThat(guardResolvingTo(address).refuseUrl("https://hooks.customer.example/x", false))
        .hasValueSatisfying(reason -> assertThat(reason).contains(kind));
  }

  @Test
  void publicAddressesPass() {
    assertThat(guardResolvingTo("93.184.216.34").refuseUrl("https://hooks.example/x", true))
        .isEmpty();
    assertThat(guardResolvingTo("2606:2800:220:1::1").refuseUrl("http://hooks.example/", true))
        .isEmpty();
    assertThat(guardResolvingTo("172.32.0.1").refuseUrl("http://hooks.example/", true)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "ftp://files.example/x, only http and https",
    "file:///etc/passwd, only http and https",
    "gopher://hooks.example:70/_x, only http and https",
    "jar:http://hooks.example/x.jar!/, only http and https",
    "http://user:pass@hooks.example/x, credentials",
    "http:///nohost, no host"
  })
  void otherSchemesAndMalformedUrlsAreRefused(String url, String reason) {
    assertThat(guardResolvingTo("93.184.216.34").refuseUrl(url, false))
        .hasValueSatisfying(r -> assertThat(r).contains(reason));
  }

  @Test
  void literalAddressesInTheUrlAreCheckedToo() {
    AddressGuard guard = new AddressGuard(InetAddress::getAllByName, false, List.of());
    assertThat(guard.refuseUrl("http://169.254.169.254/latest/meta-data/", false)).isPresent();
    assertThat(guard.refuseUrl("http://[::1]:8080/", false)).isPresent();
    assertThat(guard.refuseUrl("http://2130706433/", false)).isPresent(); // 127.0.0.1 as a number
  }

  @Test
  void theOperatorAllowListLetsChosenHostsAndAddressesThrough() {
    AddressGuard byName =
        new AddressGuard(
            host -> new InetAddress[] {ip("10.0.0.7")}, false, List.of("relay.internal"));
    assertThat(byName.refuseUrl("http://relay.internal/x", true)).isEmpty();
    assertThat(byName.refuseUrl("http://other.internal/x", true)).isPresent();

    AddressGuard byAddress =
        new AddressGuard(host -> new InetAddress[] {ip("127.0.0.1")}, false, List.of("127.0.0.1"));
    assertThat(byAddress.refuseUrl("http://localhost:9000/x", true)).isEmpty();
    assertThat(guardResolvingTo("127.0.0.2").refuseUrl("http://127.0.0.2/", true)).isPresent();

    AddressGuard everything =
        new AddressGuard(host -> new InetAddress[] {ip("169.254.169.254")}, true, List.of());
    assertThat(everything.refuseUrl("http://metadata/", true)).isEmpty();
    // the scheme rule holds even when every address is allowed
    assertThat(everything.refuseUrl("file:///etc/passwd", true)).isPresent();
  }

  @Test
  void aNameThatStartsPointingInsideIsRefusedAtTheNextCheck() {
    Deque<String> answers = new ArrayDeque<>(List.of("93.184.216.34", "10.0.0.1"));
    AddressGuard guard =
        new AddressGuard(host -> new InetAddress[] {ip(answers.pop())}, false, List.of());

    assertThat(
            guard.refuse(DestinationType.WEBHOOK, Map.of("url", "https://rebind.example/"), false))
        .isEmpty();
    assertThat(
            guard.refuse(DestinationType.WEBHOOK, Map.of("url", "https://rebind.example/"), false))
        .hasValueSatisfying(r -> assertThat(r).startsWith("config.url: ").contains("private"));
  }

  @Test
  void anyResolvedInternalAddressRefusesTheName() {
    AddressGuard guard =
        new AddressGuard(
            host -> new InetAddress[] {ip("93.184.216.34"), ip("192.168.0.10")}, false, List.of());
    assertThat(guard.refuseUrl("https://dual.example/", false)).isPresent();
  }

  @Test
  void eachDestinationTypeIsCheckedOnItsAddressSetting() {
    AddressGuard guard = guardResolvingTo("10.0.0.1");
    assertThat(guard.refuse(DestinationType.SMS, Map.of("baseUrl", "https://sms.example"), false))
        .hasValueSatisfying(r -> assertThat(r).startsWith("config.baseUrl"));
    assertThat(
            guard.refuse(DestinationType.AUDIENCE, Map.of("baseUrl", "https://ads.example"), false))
        .hasValueSatisfying(r -> assertThat(r).startsWith("config.baseUrl"));
    assertThat(guard.refuse(DestinationType.EMAIL, Map.of("host", "smtp.example"), false))
        .hasValueSatisfying(r -> assertThat(r).startsWith("config.host"));
    assertThat(guard.refuse(DestinationType.KAFKA, Map.of("topic", "t"), false)).isEmpty();
  }

  @Test
  void anUnresolvableNameIsOnlyRefusedWhenResolutionIsStrict() {
    AddressGuard guard =
        new AddressGuard(
            host -> {
              throw new UnknownHostException(host);
            },
            false,
            List.of());
    assertThat(guard.refuseUrl("https://hooks.example.test/", false)).isEmpty();
    assertThat(guard.refuseUrl("https://hooks.example.test/", true)).isPresent();
  }

  @Test
  void aSendConnectsToTheAddressCheckedForIt() {
    AddressGuard.Target target =
        guardResolvingTo("93.184.216.34").checkUrl("https://hooks.example/x");
    assertThat(target.refusal()).isNull();
    assertThat(target.address()).isEqualTo(ip("93.184.216.34"));

    assertThat(guardResolvingTo("10.0.0.7").checkUrl("https://hooks.example/x").refusal())
        .contains("private");
    assertThat(guardResolvingTo("10.0.0.7").checkUrl("https://hooks.example/x").address()).isNull();
    assertThat(guardResolvingTo("93.184.216.34").checkUrl("ftp://hooks.example/x").refusal())
        .contains("http");

    AddressGuard unresolvable =
        new AddressGuard(
            host -> {
              throw new UnknownHostException(host);
            },
            false,
            List.of());
    assertThat(unresolvable.checkUrl("https://gone.example/x").unresolved()).isTrue();
    assertThat(unresolvable.checkUrl("https://gone.example/x").address()).isNull();
  }
}
