package org.opencdp.launcher;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Ends the processes the launcher started when the launcher dies without stopping them (kill -9, a
 * CI timeout, an OutOfMemoryError): otherwise the service JVMs, PostgreSQL and Redis live on as
 * orphans holding the fixed ports, and the next {@code ./run-platform.sh} fails. (The Kafka broker
 * halts by itself, see test-support's {@code ExitWithParent}; the MongoDB-wire test server runs
 * inside the launcher.)
 *
 * <p>The watchdog is a small {@code sh} process in its own session ({@code setsid}, so a signal to
 * the launcher's process group does not reach it). The launcher tells it, one line per process, the
 * pid, its start time and the signal that stops it. Its stdin is a pipe whose other end only the
 * launcher holds, so the kernel closes it when the launcher dies, however it dies. At end-of-file
 * the watchdog signals every watched process that still runs (same start time: a reused pid is left
 * alone), waits up to 10 s and then SIGKILLs what is left. A launcher that stops its processes
 * itself writes {@code done} first, and the watchdog exits without touching anything. Linux only
 * (/proc). The services know nothing about it.
 */
final class OrphanWatchdog implements AutoCloseable {
  /** Waiting 20 x 0.5 s for the signalled processes, then SIGKILL. */
  private static final String SCRIPT =
      """
      trap '' INT HUP
      watched=
      while read -r pid start sig; do
        [ "$pid" = done ] && exit 0
        watched="$watched $pid:$start:$sig"
      done
      # end-of-file without "done": the launcher died without stopping these
      started_at() {
        stat=$(cat /proc/"$1"/stat 2>/dev/null) || return 0
        set -- ${stat##*) }
        [ "$1" = Z ] && return 0
        shift 19
        echo "$1"
      }
      signal_all() {
        left=
        for entry in $watched; do
          pid=${entry%%:*}; rest=${entry#*:}; start=${rest%%:*}; sig=${rest#*:}
          [ "$(started_at "$pid")" = "$start" ] || continue
          left=1
          kill -"${1:-$sig}" "$pid" 2>/dev/null
        done
        [ -n "$left" ]
      }
      signal_all "" || exit 0
      i=0
      while [ $i -lt 20 ]; do
        sleep 0.5
        signal_all 0 || exit 0
        i=$((i + 1))
      done
      signal_all KILL
      exit 0
      """;

  private final Process process;
  private final Writer commands;
  private boolean closed;

  private OrphanWatchdog(Process process) {
    this.process = process;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
  }

  static OrphanWatchdog start() {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(List.of("sh", "-c", SCRIPT));
    try {
      return new OrphanWatchdog(
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the orphan watchdog", e);
    }
  }

  /**
   * Ends {@code child} with {@code signal} ({@code TERM}, {@code INT}...) if the launcher dies
   * while it runs. A process that is already gone is ignored.
   */
  synchronized void watch(ProcessHandle child, String signal) {
    if (closed || !signal.matches("[A-Z]+")) {
      throw new IllegalStateException("cannot watch with " + signal + (closed ? " (closed)" : ""));
    }
    OptionalLong start = startTicks(child.pid());
    if (start.isEmpty()) {
      return;
    }
    try {
      commands.write(child.pid() + " " + start.getAsLong() + " " + signal + "\n");
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("orphan watchdog gone", e);
    }
  }

  /** The launcher stopped its processes itself: the watchdog exits and ends nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      commands.write("done\n");
      commands.close();
    } catch (IOException gone) {
      // the watchdog already exited: nothing to tell it
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /**
   * The process's start time in clock ticks since boot (field 22 of {@code /proc/<pid>/stat}), or
   * empty if it is gone or a zombie: a pid plus its start time names one process, even after the
   * pid is reused.
   */
  static OptionalLong startTicks(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException gone) {
      return OptionalLong.empty();
    }
    // the command name (field 2) is in parentheses and may contain spaces
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    if (fields[0].equals("Z")) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(fields[19]));
  }
}
