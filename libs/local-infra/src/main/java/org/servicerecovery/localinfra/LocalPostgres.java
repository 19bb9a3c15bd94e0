package org.servicerecovery.localinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server from the zonky binaries, listening on 127.0.0.1 only, holding one database that every
 * service shares with a schema of its own.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "servicerecovery";
    public static final String USER = "postgres";
    /** The embedded server trusts loopback connections; the password only satisfies clients that insist on one. */
    public static final String PASSWORD = "postgres";

    /** Durable settings for local runs; tests trade crash safety of the machine (not of PostgreSQL) for speed. */
    public enum Durability { DURABLE, FAST_FOR_TESTS }

    private final EmbeddedPostgres postgres;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static LocalPostgres start(Path dataDir, int port, Durability durability) throws IOException {
        Files.createDirectories(dataDir);
        stopOrphanedServer(dataDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "128MB")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile()));
        // zonky turns fsync, synchronous_commit and full_page_writes off by default: a killed server then loses
        // commits it acknowledged. Local runs must survive kill -9, so they get PostgreSQL's own defaults back.
        String durable = durability == Durability.DURABLE ? "on" : "off";
        builder.setServerConfig("fsync", durable)
                .setServerConfig("synchronous_commit", durable)
                .setServerConfig("full_page_writes", durable);
        LocalPostgres local = new LocalPostgres(builder.start());
        local.createDatabaseIfMissing();
        return local;
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** The postmaster's pid, so scripts can stop or kill exactly this server. */
    public static Optional<Long> postmasterPid(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private void createDatabaseIfMissing() throws IOException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port() + "/postgres", USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE, e);
        }
    }

    /**
     * A server left running by a launcher that was killed would make the next start fail on the data directory's lock;
     * stop it with a fast shutdown (SIGINT), which rolls back open transactions and keeps committed data.
     */
    private static void stopOrphanedServer(Path dataDir) throws IOException {
        Optional<ProcessHandle> orphan = postmasterPid(dataDir).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (orphan.isEmpty()) {
            return;
        }
        long pid = orphan.get().pid();
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start();
        try {
            orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("orphaned PostgreSQL " + pid + " did not stop", e);
        }
    }
}
