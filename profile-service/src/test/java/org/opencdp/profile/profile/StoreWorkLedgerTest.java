package org.opencdp.profile.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StoreWorkLedgerTest {
  private final StoreWorkLedger ledger = new StoreWorkLedger();

  private static Profile read(long version) {
    Profile p = new Profile("ws-a", "p-1");
    p.version = version;
    p.outbox.changedFields.add("traits.plan");
    p.outbox.audit.add(
        new AuditEntry("k|p-1|traits.plan", "traits.plan", null, "pro", "web", "k", null, null));
    p.outbox.identifiers.add(new KnownIdentifier("user_id", "u1", "h1"));
    return p;
  }

  @Test
  void storeWorkCarriedOutForAVersionIsDroppedWhenThatVersionIsReadAgain() {
    Profile written = read(3);
    ledger.carriedOut(written);

    Profile again = read(3);
    ledger.dropDone(again);
    assertThat(again.outbox.audit).isEmpty();
    assertThat(again.outbox.identifiers).isEmpty();
    // the message part still waits for its ack and goes out with the next write
    assertThat(again.outbox.changedFields).containsExactly("traits.plan");
  }

  @Test
  void anotherVersionKeepsItsStoreWork() {
    ledger.carriedOut(read(3));

    Profile newer = read(4); // written since by someone else, with store work of its own
    ledger.dropDone(newer);
    assertThat(newer.outbox.audit).hasSize(1);
    assertThat(newer.outbox.identifiers).hasSize(1);
  }

  @Test
  void aClearedOutboxLeavesNoEntryAndAnOlderClearDoesNotRemoveANewerEntry() {
    Profile v3 = read(3);
    ledger.carriedOut(v3);
    Profile v4 = read(4);
    ledger.carriedOut(v4);
    ledger.cleared(v3, 3); // the ack of version 3 arrived after version 4 was written
    assertThat(ledger.size()).isEqualTo(1);

    Profile readV4 = read(4);
    ledger.dropDone(readV4);
    assertThat(readV4.outbox.audit).isEmpty();

    ledger.cleared(v4, 4);
    assertThat(ledger.size()).isZero();
    Profile afterCrashWindow = read(4);
    ledger.dropDone(afterCrashWindow);
    assertThat(afterCrashWindow.outbox.audit).hasSize(1);
  }
}
