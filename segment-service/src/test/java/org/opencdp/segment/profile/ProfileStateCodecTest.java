package org.opencdp.segment.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencdp.segment.condition.Occurrence;

/**
 * Unit: occurrences appended to the row's tail without decoding the kept ones read back exactly as
 * if each had been added when it arrived (duplicates once, newest {@code max} kept, the retention
 * bound of its arrival), whatever the batches, reads and folds in between.
 */
class ProfileStateCodecTest {
  private static final int MAX = 5;
  private static final int TAIL_MAX = 4;
  private final ObjectMapper json = new ObjectMapper();
  private final ProfileStateCodec codec = new ProfileStateCodec(json, MAX);

  @Test
  void occurrencesNotReadWithTheRowAreNeitherDecodedNorWritten() {
    ProfileStateEntity row = codec.newRow("w", "p");
    ProfileState first = codec.decode(row);
    first.addOccurrence("A", new Occurrence("m1", 1, Map.of()), MAX, 0);
    codec.encodeData(first, row);
    row.eventsTail = null;
    row.events = null; // as the row lock returns it
    row.eventsRead = false;

    ProfileState state = codec.decode(row);
    assertThat(state.appendOccurrence("A", new Occurrence("m2", 2, Map.of()), MAX, 0, TAIL_MAX))
        .isTrue();
    codec.encodeData(state, row);
    assertThat(row.events).isNull(); // not written: only the tail grew
    assertThat(row.eventsTail).contains("m2");
    assertThatThrownBy(() -> codec.decode(row).occurrences("A"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void appendedOccurrencesReadExactlyAsAddedOnesWhateverTheBatchesAndReads() {
    Random random = new Random(7);
    int appendedWithoutDecoding = 0;
    for (int trial = 0; trial < 300; trial++) {
      ProfileStateEntity row = codec.newRow("w", "p");
      ProfileState reference = new ProfileState("w", "p"); // every occurrence added on arrival
      long oldest = 0;
      for (int batch = random.nextInt(10); batch >= 0; batch--) {
        ProfileState state = codec.decode(row);
        for (int k = random.nextInt(6); k >= 0; k--) {
          String name = random.nextBoolean() ? "A" : "B";
          Occurrence o =
              new Occurrence(
                  "m" + random.nextInt(15),
                  random.nextInt(100),
                  random.nextBoolean() ? Map.of() : Map.of("n", random.nextInt(3)));
          oldest += random.nextInt(4) == 0 ? random.nextInt(10) : 0;
          if (random.nextInt(10) == 0) {
            assertThat(state.occurrences(name)).isEqualTo(reference.occurrences(name));
          }
          boolean expected = reference.addOccurrence(name, o, MAX, oldest);
          boolean appendedOnly = !state.eventsLoaded();
          boolean added = state.appendOccurrence(name, o, MAX, oldest, TAIL_MAX);
          if (state.eventsLoaded()) {
            assertThat(added).isEqualTo(expected); // decoded: exact at once
          } else {
            assertThat(added).isTrue(); // appended: a duplicate is dropped by the fold
          }
          if (appendedOnly && !state.eventsLoaded()) {
            appendedWithoutDecoding++;
          }
        }
        codec.encodeData(state, row);
        assertThat(row.eventsTail == null ? 0 : TailCodec.entries(row.eventsTail))
            .isLessThanOrEqualTo(TAIL_MAX);
      }
      assertThat(withoutEmptyLists(codec.decode(row).events()))
          .isEqualTo(withoutEmptyLists(reference.events()));
    }
    assertThat(appendedWithoutDecoding).isGreaterThan(300); // the tail was really used
  }

  @Test
  void anEventNobodyReadsIsAppendedWithoutRewritingTheKeptOccurrences() {
    ProfileStateEntity row = rowWith(3);
    String kept = row.events;

    ProfileState state = codec.decode(row);
    assertThat(state.appendOccurrence("A", occurrence("new", 50), MAX, 0, TAIL_MAX)).isTrue();
    codec.encodeData(state, row);

    assertThat(state.eventsLoaded()).isFalse(); // nothing decoded
    assertThat(row.events).isSameAs(kept);
    assertThat(TailCodec.entries(row.eventsTail)).isEqualTo(1);
    assertThat(codec.decode(row).occurrences("A")).extracting(Occurrence::id).endsWith("new");
    assertThat(codec.decode(row).occurrences("A")).hasSize(4);
  }

  @Test
  void aDuplicateInTheTailIsCountedOnce() {
    ProfileStateEntity row = rowWith(2);
    for (int redelivery = 0; redelivery < 3; redelivery++) {
      ProfileState state = codec.decode(row);
      state.appendOccurrence("A", occurrence("again", 60), MAX, 0, TAIL_MAX);
      codec.encodeData(state, row);
    }
    assertThat(TailCodec.entries(row.eventsTail)).isEqualTo(3);
    assertThat(codec.decode(row).occurrences("A"))
        .extracting(Occurrence::id)
        .containsExactly("o0", "o1", "again");
  }

  @Test
  void theTailIsFoldedIntoTheKeptOccurrencesOnceItReachesItsBound() {
    ProfileStateEntity row = rowWith(1);
    for (int i = 0; i < TAIL_MAX; i++) {
      ProfileState state = codec.decode(row);
      state.appendOccurrence("A", occurrence("t" + i, 20 + i), MAX, 0, TAIL_MAX);
      codec.encodeData(state, row);
    }
    assertThat(TailCodec.entries(row.eventsTail)).isEqualTo(TAIL_MAX);

    ProfileState state = codec.decode(row);
    state.appendOccurrence("A", occurrence("t-last", 99), MAX, 0, TAIL_MAX);
    codec.encodeData(state, row);

    assertThat(row.eventsTail).isNull();
    assertThat(row.events).contains("t-last").doesNotContain("o0"); // the oldest beyond MAX went
    assertThat(codec.decode(row).occurrences("A"))
        .extracting(Occurrence::id)
        .containsExactly("t0", "t1", "t2", "t3", "t-last");
  }

  @Test
  void readingFoldsTheTailAndTheNextWriteEmptiesIt() {
    ProfileStateEntity row = rowWith(1);
    ProfileState appended = codec.decode(row);
    appended.appendOccurrence("B", occurrence("b1", 30), MAX, 0, TAIL_MAX);
    codec.encodeData(appended, row);

    ProfileState read = codec.decode(row);
    assertThat(read.occurrences("B")).extracting(Occurrence::id).containsExactly("b1");
    codec.encodeData(read, row);

    assertThat(row.eventsTail).isNull();
    assertThat(codec.decode(row).events().keySet()).containsExactlyInAnyOrder("A", "B");
  }

  @Test
  void erasingForgetsTheTailToo() {
    ProfileStateEntity row = rowWith(2);
    ProfileState state = codec.decode(row);
    state.appendOccurrence("A", occurrence("x", 70), MAX, 0, TAIL_MAX);
    codec.encodeData(state, row);

    ProfileState erased = codec.decode(row);
    erased.erase();
    codec.encodeData(erased, row);

    assertThat(row.eventsTail).isNull();
    assertThat(codec.decode(row).events()).isEmpty();
  }

  @Test
  void tailLinesRoundTripWithAndWithoutPropertiesAndEscapedNewlines() throws Exception {
    TailCodec tails = new TailCodec(json);
    List<TailEntry> entries =
        List.of(
            new TailEntry("Bench \"Load\"", occurrence("m1", 1_732_000_000_000L), 5L),
            new TailEntry(
                "page",
                new Occurrence(
                    "m2", 7L, Map.of("note", "two\nlines", "price", 9.99, "tags", List.of("a"))),
                -1L));

    String text = tails.encode(entries) + tails.encode(List.of(entries.get(0)));

    assertThat(TailCodec.entries(text)).isEqualTo(3);
    assertThat(tails.decode(text)).containsExactly(entries.get(0), entries.get(1), entries.get(0));
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A stored row with {@code n} occurrences of "A" (o0, o1, ... at 0, 1, ...) and no tail. */
  private ProfileStateEntity rowWith(int n) {
    ProfileState state = new ProfileState("w", "p");
    for (int i = 0; i < n; i++) {
      state.addOccurrence("A", occurrence("o" + i, i), MAX, 0);
    }
    ProfileStateEntity row = codec.newRow("w", "p");
    codec.encodeData(state, row);
    return row;
  }

  /** An event name whose occurrences all expired reads as an absent one (not stored). */
  private static Map<String, List<Occurrence>> withoutEmptyLists(
      Map<String, List<Occurrence>> events) {
    Map<String, List<Occurrence>> result = new java.util.HashMap<>(events);
    result.values().removeIf(List::isEmpty);
    return result;
  }

  private static Occurrence occurrence(String id, long at) {
    return new Occurrence(id, at, Map.of("sku", "sku-42"));
  }
}
