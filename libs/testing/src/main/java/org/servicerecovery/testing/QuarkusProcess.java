package org.servicerecovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A packaged Quarkus application run as its own process against the shared Kafka and PostgreSQL, so that it can be
 * killed with SIGKILL like a crashing pod, or measured from outside like a production service.
 */
public final class QuarkusProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private QuarkusProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * JVM options of the services started here. Tests stop the JIT at C1, which starts a service sooner and costs the
     * 2-core machine less; {@code make bench} sets {@value #JVM_OPTIONS} to the production JIT, since C1 code lacks
     * the intrinsics that, for one, verify each request's token signature.
     */
    public static final String JVM_OPTIONS = "sr.services.jvm-options";

    private static final String TEST_JVM_OPTIONS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    /** Starts {@code jar} with the shared infrastructure's settings plus {@code overrides}; does not wait for readiness. */
    public static QuarkusProcess start(Path jar, Path log, Map<String, String> overrides) {
        int port = SharedInfrastructure.freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(System.getProperty(JVM_OPTIONS, TEST_JVM_OPTIONS).trim().split("\\s+")));
        command.add("-Dquarkus.http.port=" + port);
        SharedInfrastructure.get().serviceConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
        overrides.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        return launch(new ProcessBuilder(command), log, port);
    }

    /** The JIT setting of {@link #start}'s test JVMs, for callers that give the rest of the options themselves. */
    public static List<String> testJit() {
        return System.getProperty(JVM_OPTIONS) == null ? List.of("-XX:TieredStopAtLevel=1") : List.of();
    }

    /**
     * Starts {@code jar} as a container runs it: {@code jvmOptions} on the command line and exactly {@code environment}
     * as the process environment, nothing inherited and nothing from the shared infrastructure. The environment must
     * make it listen on 127.0.0.1:{@code port}. Does not wait for readiness.
     */
    public static QuarkusProcess startWithEnvironment(List<String> jvmOptions, Path jar, Path log,
            Map<String, String> environment, int port) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        return launch(builder, log, port);
    }

    private static QuarkusProcess launch(ProcessBuilder builder, Path log, int port) {
        try {
            Files.createDirectories(log.getParent());
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new QuarkusProcess(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /q/health/ready} answers UP. */
    public QuarkusProcess awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(100);
        }
        throw new IllegalStateException("not ready within " + timeout);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye, exactly like an OOM kill or a node loss. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Resident memory in bytes, from /proc. */
    public long residentBytes() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
                    .findFirst().orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
