package org.opencdp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opencdp.security.WorkspaceTokenVerifier.Status;
import org.opencdp.security.WorkspaceTokenVerifier.Verdict;

class WorkspaceTokenVerifierTest {
  private static final String ACME_TOKEN = "acme-token";
  private static final String ACME_ROTATED = "acme-rotated";
  private static final String GLOBEX_TOKEN = "globex-token";

  private final WorkspaceTokenVerifier verifier =
      verifier(
          "acme:" + hex(ACME_TOKEN),
          " acme : " + hex(ACME_ROTATED).toUpperCase(),
          "globex:" + hex(GLOBEX_TOKEN));

  @Test
  void allowsEveryTokenOfTheRequestedWorkspace() {
    Verdict verdict = verifier.verify("acme", "Bearer " + ACME_TOKEN);
    assertThat(verdict.status()).isEqualTo(Status.ALLOWED);
    assertThat(verdict.workspace()).isEqualTo("acme");
    assertThat(verdict.actor()).startsWith("token:").doesNotContain(ACME_TOKEN);
    assertThat(verifier.verify("acme", "bearer  " + ACME_ROTATED + " ").status())
        .isEqualTo(Status.ALLOWED);
  }

  @Test
  void forbidsATokenOfAnotherWorkspace() {
    Verdict verdict = verifier.verify("acme", "Bearer " + GLOBEX_TOKEN);
    assertThat(verdict.status()).isEqualTo(Status.FORBIDDEN);
    assertThat(verdict.workspace()).isNull();
  }

  @Test
  void rejectsUnknownMissingAndMalformedTokens() {
    assertThat(verifier.verify("acme", "Bearer not-a-token").status())
        .isEqualTo(Status.UNAUTHENTICATED);
    assertThat(verifier.verify("acme", null).status()).isEqualTo(Status.UNAUTHENTICATED);
    assertThat(verifier.verify("acme", "Bearer ").status()).isEqualTo(Status.UNAUTHENTICATED);
    assertThat(verifier.verify("acme", ACME_TOKEN).status()).isEqualTo(Status.UNAUTHENTICATED);
    assertThat(verifier.verify("acme", "Basic " + ACME_TOKEN).status())
        .isEqualTo(Status.UNAUTHENTICATED);
    // the configured hash itself is not a token
    assertThat(verifier.verify("acme", "Bearer " + hex(ACME_TOKEN)).status())
        .isEqualTo(Status.UNAUTHENTICATED);
  }

  @Test
  void identifiesTheWorkspaceOfATokenForPathsThatNameNone() {
    assertThat(verifier.identify("Bearer " + GLOBEX_TOKEN).workspace()).isEqualTo("globex");
    assertThat(verifier.identify("Bearer unknown").status()).isEqualTo(Status.UNAUTHENTICATED);
  }

  @Test
  void withoutConfigurationEveryTokenIsUnauthenticated() {
    WorkspaceTokenVerifier empty = new WorkspaceTokenVerifier(Optional.empty());
    assertThat(empty.verify("acme", "Bearer " + ACME_TOKEN).status())
        .isEqualTo(Status.UNAUTHENTICATED);
    assertThat(empty.identify("Bearer " + ACME_TOKEN).status()).isEqualTo(Status.UNAUTHENTICATED);
  }

  @Test
  void malformedConfigurationFailsWithoutQuotingTheEntry() {
    assertThatThrownBy(() -> verifier("acme:" + hex(ACME_TOKEN), "acme:" + ACME_TOKEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(WorkspaceTokenVerifier.KEY)
        .hasMessageContaining("entry 2")
        .hasMessageContaining("64 hex")
        .hasMessageNotContaining(ACME_TOKEN);
    assertThatThrownBy(() -> verifier(hex(ACME_TOKEN)))
        .hasMessageContaining("entry 1 is not workspace:sha256hex")
        .hasMessageNotContaining(hex(ACME_TOKEN));
    assertThatThrownBy(() -> verifier(":" + hex(ACME_TOKEN)))
        .hasMessageContaining("workspace:sha256hex");
    assertThatThrownBy(() -> verifier("acme:" + hex(ACME_TOKEN).substring(1) + "g"))
        .hasMessageContaining("64 hex");
  }

  @Test
  void aTokenHashBelongsToOneWorkspaceOnly() {
    assertThatThrownBy(() -> verifier("acme:" + hex(ACME_TOKEN), "globex:" + hex(ACME_TOKEN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("entry 2")
        .hasMessageContaining("another workspace")
        .hasMessageNotContaining(hex(ACME_TOKEN));
  }

  private static WorkspaceTokenVerifier verifier(String... entries) {
    return new WorkspaceTokenVerifier(Optional.of(List.of(entries)));
  }

  private static String hex(String token) {
    return HexFormat.of().formatHex(WorkspaceTokenVerifier.sha256(token));
  }
}
