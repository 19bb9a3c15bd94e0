package org.servicerecovery.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * CPU time a process has used, in ms, from {@code /proc/<pid>/stat} (user + system time, in clock ticks). Differences
 * of two readings give the CPU a process spent in between, whichever core it ran on.
 */
final class ProcessCpu {

    /** USER_HZ; 100 on every Linux the bench runs on ({@code getconf CLK_TCK}). */
    private static final long TICKS_PER_SECOND = 100;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    // Indices into the fields after the command name: field n of proc(5) is at n - 3.
    private static final int PPID = 1;
    private static final int UTIME = 11;
    private static final int STIME = 12;
    private static final int CUTIME = 13;
    private static final int CSTIME = 14;

    private ProcessCpu() {
    }

    /** The process's own CPU (all its threads); 0 once it is gone. */
    static long millis(long pid) {
        long[] stat = stat(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? 0 : ticksToMillis(stat[UTIME] + stat[STIME]);
    }

    /**
     * A server that forks a process per connection (PostgreSQL): the root's own CPU, its children's that have exited
     * (the kernel adds them to the root's cutime/cstime when it reaps them) and its live children's.
     */
    static long treeMillis(long rootPid) {
        long[] root = stat(Path.of("/proc", Long.toString(rootPid), "stat"));
        if (root == null) {
            return 0;
        }
        long ticks = root[UTIME] + root[STIME] + root[CUTIME] + root[CSTIME];
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), entry -> entry.getFileName().toString().matches("\\d+"))) {
            for (Path process : processes) {
                long[] child = stat(process.resolve("stat"));
                if (child != null && child[PPID] == rootPid) {
                    ticks += child[UTIME] + child[STIME];
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return ticksToMillis(ticks);
    }

    /** PostgreSQL's postmaster: the parent of the connection's backend (the connection kept open while asking). */
    static long postmaster(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT pg_backend_pid()"); ResultSet result = query.executeQuery()) {
            result.next();
            return parent(result.getLong(1));
        }
    }

    /** The parent of {@code pid} (e.g. the postmaster of a PostgreSQL backend), or -1. */
    static long parent(long pid) {
        long[] stat = stat(Path.of("/proc", Long.toString(pid), "stat"));
        return stat == null ? -1 : stat[PPID];
    }

    /** CPU of this JVM's live threads whose name contains {@code part} (the JVM measures its threads in ns). */
    static long threadMillis(String part) {
        long nanos = 0;
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread != null && thread.getThreadName().contains(part)) {
                nanos += Math.max(0, THREADS.getThreadCpuTime(thread.getThreadId()));
            }
        }
        return nanos / 1_000_000;
    }

    private static long[] stat(Path file) {
        String line;
        try {
            line = Files.readString(file);
        } catch (IOException gone) {
            return null;
        }
        // the command name is in parentheses and may itself hold spaces or parentheses
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        long[] values = new long[CSTIME + 1];
        for (int i = PPID; i <= CSTIME; i++) {
            values[i] = Long.parseLong(fields[i]);
        }
        return values;
    }

    private static long ticksToMillis(long ticks) {
        return ticks * 1000 / TICKS_PER_SECOND;
    }
}
