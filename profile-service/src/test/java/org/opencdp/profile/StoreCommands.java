package org.opencdp.profile;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.bson.BsonDocument;

/**
 * Counts the commands the service sends to the store, and the statements they carry (documents to
 * insert, update and delete statements; an update statement may change many documents), by command
 * name. Quarkus registers every {@link CommandListener} it finds, so this counts in every test; the
 * benchmark prints it per applied event. Counting is two adders.
 */
public class StoreCommands implements CommandListener {
  private static final Map<String, LongAdder> COMMANDS = new ConcurrentHashMap<>();
  private static final Map<String, LongAdder> DOCUMENTS = new ConcurrentHashMap<>();

  /** Update statements sent to {@code profiles} while a test captures them (off otherwise). */
  private static final List<BsonDocument> PROFILE_UPDATES = new CopyOnWriteArrayList<>();

  private static volatile boolean captureProfileUpdates;

  @Override
  public void commandStarted(CommandStartedEvent event) {
    String name = event.getCommandName();
    COMMANDS.computeIfAbsent(name, n -> new LongAdder()).increment();
    BsonDocument command = event.getCommand();
    int documents = 0;
    for (String array : new String[] {"documents", "updates", "deletes"}) {
      if (command.isArray(array)) {
        documents += command.getArray(array).size();
      }
    }
    if (documents > 0) {
      DOCUMENTS.computeIfAbsent(name, n -> new LongAdder()).add(documents);
    }
    if (captureProfileUpdates
        && "update".equals(name)
        && "profiles".equals(command.getString("update").getValue())) {
      command.getArray("updates").forEach(u -> PROFILE_UPDATES.add(u.asDocument().clone()));
    }
  }

  /** Starts capturing the update statements sent to {@code profiles}, from none. */
  static void captureProfileUpdates() {
    PROFILE_UPDATES.clear();
    captureProfileUpdates = true;
  }

  /** The update statements ({@code q}, {@code u}) captured since {@link #captureProfileUpdates}. */
  static List<BsonDocument> capturedProfileUpdates() {
    captureProfileUpdates = false;
    return List.copyOf(PROFILE_UPDATES);
  }

  /** Commands by name, and their statements by command name, since the start. */
  static Snapshot snapshot() {
    Map<String, Long> commands = new TreeMap<>();
    COMMANDS.forEach((k, v) -> commands.put(k, v.sum()));
    Map<String, Long> documents = new TreeMap<>();
    DOCUMENTS.forEach((k, v) -> documents.put(k, v.sum()));
    return new Snapshot(commands, documents);
  }

  record Snapshot(Map<String, Long> commands, Map<String, Long> documents) {
    /** What happened between {@code before} and this snapshot, per {@code per} operations. */
    String perOperation(Snapshot before, double per) {
      StringBuilder text = new StringBuilder();
      long total = 0;
      for (var e : commands.entrySet()) {
        long n = e.getValue() - before.commands.getOrDefault(e.getKey(), 0L);
        if (n == 0 || "hello".equals(e.getKey()) || "isMaster".equals(e.getKey())) {
          continue;
        }
        total += n;
        long docs =
            documents.getOrDefault(e.getKey(), 0L) - before.documents.getOrDefault(e.getKey(), 0L);
        text.append(String.format(" %s %.3f", e.getKey(), n / per));
        if (docs > 0) {
          text.append(String.format(" (%.3f statements)", docs / per));
        }
      }
      return String.format("%.3f commands:%s", total / per, text);
    }
  }
}
