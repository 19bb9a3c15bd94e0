package org.servicerecovery.localinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * <p>
 * Secured ({@link Secured}), it takes TLS connections only, with a certificate from a {@link ThrowawayCa}, and
 * authenticates every connection with a SCRAM password, as managed PostgreSQL does; its clients verify the
 * certificate and the host name ({@code sslmode=verify-full}).
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "servicerecovery";
    public static final String USER = "postgres";
    /** Unsecured, the server trusts loopback connections; the password only satisfies clients that insist on one. */
    public static final String PASSWORD = "postgres";

    /** Durable settings for local runs; tests trade crash safety of the machine (not of PostgreSQL) for speed. */
    public enum Durability { DURABLE, FAST_FOR_TESTS }

    private final EmbeddedPostgres postgres;
    private final Secured secured;

    private LocalPostgres(EmbeddedPostgres postgres, Secured secured) {
        this.postgres = postgres;
        this.secured = secured;
    }

    /**
     * TLS with {@code certificate} (clients trust {@code caCertificatePem}) and SCRAM authentication with
     * {@code password} for {@link #USER}; a connection without TLS or without the password is refused.
     */
    public record Secured(ThrowawayCa.ServerCertificate certificate, Path caCertificatePem, String password) {
    }

    public static LocalPostgres start(Path dataDir, int port, Durability durability) throws IOException {
        return start(dataDir, port, durability, null);
    }

    /** As {@link #start(Path, int, Durability)}, taking TLS connections with a password only. */
    public static LocalPostgres startSecured(Path dataDir, int port, Durability durability, Secured secured) throws IOException {
        return start(dataDir, port, durability, secured);
    }

    private static LocalPostgres start(Path dataDir, int port, Durability durability, Secured secured) throws IOException {
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
        if (secured != null) {
            secure(builder, dataDir, secured);
        }
        LocalPostgres local = new LocalPostgres(builder.start(), secured);
        local.createDatabaseIfMissing();
        return local;
    }

    private static void secure(EmbeddedPostgres.Builder builder, Path dataDir, Secured secured) throws IOException {
        Path hba = dataDir.resolveSibling(dataDir.getFileName() + "-hba.conf");
        // TLS and a password over loopback; nothing else, not even the local socket.
        Files.writeString(hba, "hostssl all all 127.0.0.1/32 scram-sha-256\n");
        // The superuser's password is set when the cluster is created (initdb --pwfile), before any client connects.
        Path passwordFile = dataDir.resolveSibling(dataDir.getFileName() + "-password");
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, secured.password() + "\n");
        builder.setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                .setServerConfig("hba_file", hba.toAbsolutePath().toString())
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", secured.certificate().certificateChainPem().toAbsolutePath().toString())
                .setServerConfig("ssl_key_file", secured.certificate().privateKeyPem().toAbsolutePath().toString())
                // How zonky itself connects to see the server up.
                .setConnectConfig("password", secured.password())
                .setConnectConfig("sslmode", "verify-full")
                .setConnectConfig("sslrootcert", secured.caCertificatePem().toAbsolutePath().toString());
    }

    public int port() {
        return postgres.getPort();
    }

    /** With {@code sslmode=verify-full} and the CA certificate when secured. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The password of {@link #USER}. */
    public String password() {
        return secured == null ? PASSWORD : secured.password();
    }

    private String jdbcUrl(String database) {
        String url = "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
        return secured == null ? url
                : url + "?sslmode=verify-full&sslrootcert=" + secured.caCertificatePem().toAbsolutePath();
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
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), USER, password());
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
