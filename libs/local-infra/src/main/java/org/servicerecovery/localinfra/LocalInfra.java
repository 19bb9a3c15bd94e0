package org.servicerecovery.localinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Command line used by {@code deploy/local/*.sh}:
 * <pre>
 *   kafka    DATA_DIR PORT CONTROLLER_PORT PID_FILE   start the broker detached, wait until ready, create topics
 *   postgres DATA_DIR PORT                            run PostgreSQL until this process is stopped
 *   token    KEY_DIR ROLE SUBJECT [TEAM]              print a signed local JWT
 * </pre>
 */
public final class LocalInfra {

    private LocalInfra() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "kafka" -> kafka(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
            case "postgres" -> postgres(Path.of(args[1]), Integer.parseInt(args[2]));
            case "token" -> token(Path.of(args[1]), args[2], args[3], args.length > 4 ? args[4] : null);
            default -> usage();
        }
    }

    private static void kafka(Path dataDir, int port, int controllerPort, Path pidFile) throws Exception {
        // The broker must outlive this launcher: it is stopped through its pid file, not by this JVM's exit.
        KafkaBroker broker = KafkaBroker.start(dataDir, port, controllerPort, Duration.ofSeconds(60));
        Files.writeString(pidFile, Long.toString(broker.pid()));
        var created = TopicCatalogue.ensureTopics(broker.bootstrapServers());
        System.out.println("Kafka ready on " + broker.bootstrapServers() + " (pid " + broker.pid() + ")"
                + (created.isEmpty() ? "" : ", created topics " + created));
        System.exit(0);
    }

    private static void postgres(Path dataDir, int port) throws Exception {
        LocalPostgres postgres = LocalPostgres.start(dataDir, port, LocalPostgres.Durability.DURABLE);
        System.out.println("PostgreSQL ready on " + postgres.jdbcUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
        }));
        exitWhenServerDies(dataDir);
    }

    /** If the postmaster is killed, this launcher exits too, so a supervisor (or `make run`) sees it down. */
    private static void exitWhenServerDies(Path dataDir) throws InterruptedException {
        Optional<ProcessHandle> server = LocalPostgres.postmasterPid(dataDir).flatMap(ProcessHandle::of);
        if (server.isEmpty()) {
            throw new IllegalStateException("PostgreSQL started but " + dataDir.resolve("postmaster.pid") + " is missing");
        }
        CountDownLatch died = new CountDownLatch(1);
        server.get().onExit().thenRun(died::countDown);
        died.await();
        System.err.println("PostgreSQL server process ended; launcher exits");
        System.exit(1);
    }

    private static void token(Path keyDir, String role, String subject, String team) throws Exception {
        System.out.println(DevTokens.inDirectory(keyDir).token(subject, role, team, Duration.ofHours(12)));
    }

    private static void usage() {
        System.err.println("usage: LocalInfra kafka DATA_DIR PORT CONTROLLER_PORT PID_FILE | postgres DATA_DIR PORT"
                + " | token KEY_DIR ROLE SUBJECT [TEAM]");
        System.exit(2);
    }
}
