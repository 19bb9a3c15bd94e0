package org.servicerecovery.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Free ports on 127.0.0.1 for the servers that tests start: brokers, databases, packaged services. A port is bound
 * only some time after it is chosen (a service binds it once booted, a minute on a busy machine), and a broker taken
 * away leaves its port unbound until it is back; test JVMs running side by side must not be handed that port
 * meanwhile. So every port handed out is written, under a file lock, to a registry in the temporary directory that
 * the user's test JVMs on this machine share, and is not handed out again for {@code RESERVED}.
 */
public final class LoopbackPorts {

    /** Longer than a test JVM keeps a port it may leave unbound for a while (a chaos run's broker). */
    private static final Duration RESERVED = Duration.ofMinutes(30);
    /** One per user: a registry another user created could not be written. */
    private static final Path REGISTRY = Path.of(System.getProperty("java.io.tmpdir"),
            "service-recovery-test-ports-" + System.getProperty("user.name"));
    private static final int ATTEMPTS = 100;

    private LoopbackPorts() {
    }

    /** A port that nothing listens on now and that no test JVM of this machine was handed recently. */
    public static int reserve() {
        try (FileChannel registry = FileChannel.open(REGISTRY, CREATE, READ, WRITE); FileLock lock = lock(registry)) {
            long now = System.currentTimeMillis();
            Map<Integer, Long> reserved = read(registry);
            reserved.values().removeIf(at -> now - at > RESERVED.toMillis());
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int port = unused();
                if (!reserved.containsKey(port)) {
                    reserved.put(port, now);
                    write(registry, reserved);
                    return port;
                }
            }
            throw new IllegalStateException("no free port in " + ATTEMPTS + " attempts; registry " + REGISTRY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The registry's lock; another class loader of this JVM (Quarkus tests have several) may hold it for a moment. */
    private static FileLock lock(FileChannel registry) throws IOException {
        while (true) {
            try {
                return registry.lock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Lines of "port millis"; anything else (a JVM killed while writing) is skipped. */
    private static Map<Integer, Long> read(FileChannel registry) throws IOException {
        ByteBuffer content = ByteBuffer.allocate((int) registry.size());
        while (content.hasRemaining() && registry.read(content, content.position()) > 0) {
            // reads until the buffer is full
        }
        Map<Integer, Long> reserved = new HashMap<>();
        for (String line : new String(content.array(), 0, content.position(), US_ASCII).split("\n")) {
            String[] fields = line.trim().split(" ");
            try {
                if (fields.length == 2) {
                    reserved.put(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
                }
            } catch (NumberFormatException skipped) {
                // a partial line
            }
        }
        return reserved;
    }

    private static void write(FileChannel registry, Map<Integer, Long> reserved) throws IOException {
        ByteBuffer content = ByteBuffer.wrap(reserved.entrySet().stream()
                .map(entry -> entry.getKey() + " " + entry.getValue() + "\n").collect(Collectors.joining()).getBytes(US_ASCII));
        registry.truncate(0);
        while (content.hasRemaining()) {
            registry.write(content, content.position());
        }
    }

    private static int unused() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
