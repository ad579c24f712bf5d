package org.opencdp.testsupport;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Collection;

/**
 * mongo-java-server's in-memory backend without two costs that MongoDB does not have and that made
 * the test double the largest CPU consumer of the whole-platform benchmark (JFR of the test JVM):
 *
 * <ul>
 *   <li>A find by {@code _id: {$in: [...]}} looks each listed id up in the {@code _id} index, then
 *       matched every document found against the whole list again: quadratic in the list length (a
 *       profile-service poll batch reads up to 500 profiles this way). The index lookup is exact
 *       for plain ids, so the second match is skipped for them.
 *   <li>Every insert and update encoded the whole document to BSON twice to keep a data-size figure
 *       that only {@code collStats}/{@code dbStats} report and no service reads.
 * </ul>
 */
final class LeanMemoryBackend extends MemoryBackend {

  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new LeanDatabase(databaseName, getCursorRegistry());
  }

  private static final class LeanDatabase extends MemoryDatabase {
    LeanDatabase(String name, CursorRegistry cursors) {
      super(name, cursors);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
      return new LeanCollection(this, name, options, cursorRegistry);
    }
  }

  static final class LeanCollection extends MemoryCollection {
    LeanCollection(
        MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
      super(database, name, options, cursors);
    }

    @Override
    protected boolean tracksDataSize() {
      return false;
    }

    @Override
    protected QueryResult matchDocuments(
        Document query,
        Iterable<Integer> positions,
        Document orderBy,
        int numberToSkip,
        int numberToReturn,
        int batchSize,
        Document fieldSelector) {
      // an empty query matches every position the index found
      return super.matchDocuments(
          isIdInPlainList(query) ? new Document() : query,
          positions,
          orderBy,
          numberToSkip,
          numberToReturn,
          batchSize,
          fieldSelector);
    }

    /** {@code {_id: {$in: [strings]}}} and nothing else: what the index lookup answers exactly. */
    static boolean isIdInPlainList(Document query) {
      return query.size() == 1
          && query.get("_id") instanceof Document condition
          && condition.size() == 1
          && condition.get("$in") instanceof Collection<?> ids
          && ids.stream().allMatch(String.class::isInstance);
    }
  }
}
