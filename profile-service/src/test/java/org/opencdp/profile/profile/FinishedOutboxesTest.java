package org.opencdp.profile.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FinishedOutboxesTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private final FinishedOutboxes finished = new FinishedOutboxes(Clock.fixed(T0, ZoneOffset.UTC));

  private static Profile read(String profileId, long version) {
    Profile p = new Profile("ws-a", profileId);
    p.version = version;
    p.outbox.changedFields.add("traits.plan");
    p.outbox.identifiers.add(new KnownIdentifier("user_id", "u1", "h1"));
    return p;
  }

  @Test
  void aFinishedOutboxIsDroppedWhenItsVersionIsReadAgain() {
    finished.finished(read("p-1", 3));

    Profile again = read("p-1", 3);
    finished.dropFinished(again);
    assertThat(again.outbox.isEmpty()).isTrue();

    Profile newer = read("p-1", 4); // written since, by another instance: its own outbox
    finished.dropFinished(newer);
    assertThat(newer.outbox.changedFields).containsExactly("traits.plan");
  }

  @Test
  void aProfileWrittenAgainIsNoLongerCleared() {
    finished.finished(read("p-1", 3));
    finished.finished(read("p-2", 7));

    Profile rewritten = read("p-1", 4);
    finished.superseded(rewritten);

    assertThat(finished.finishedBefore(T0.plusSeconds(1)))
        .extracting(FinishedOutboxes.Finished::profileId)
        .containsExactly("p-2");
  }

  @Test
  void aLateAckOfAnOlderVersionDoesNotReplaceTheNewerEntry() {
    finished.finished(read("p-1", 5));
    finished.finished(read("p-1", 4));

    assertThat(finished.finishedBefore(T0.plusSeconds(1)))
        .extracting(FinishedOutboxes.Finished::version)
        .containsExactly(5L);
  }

  @Test
  void onlyEntriesOlderThanTheCutoffAreDueAndClearedOnesAreForgotten() {
    finished.finished(read("p-1", 3));
    assertThat(finished.finishedBefore(T0)).isEmpty();

    var due = finished.finishedBefore(T0.plusMillis(1));
    assertThat(due).hasSize(1);
    finished.cleared(due);
    assertThat(finished.size()).isZero();
  }
}
