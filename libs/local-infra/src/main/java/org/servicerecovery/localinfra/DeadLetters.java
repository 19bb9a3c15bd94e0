package org.servicerecovery.localinfra;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Command line behind {@code make dead-letters} and {@code make replay}: calls a running service's dead-letter endpoint
 * (/api/v1/admin/dead-letters) with an admin token and prints its answer.
 * <pre>
 *   DeadLetters KEY_DIR list|replay|replays SERVICE [name=value ...]
 * </pre>
 * Parameters with an empty value are left out. The service is found on its local port ({@code make run}) unless
 * SERVICE_URL is set; the token is signed with the local key in KEY_DIR unless TOKEN is set. Exits 1 when the service
 * refuses the call or a replay left dead letters it could not send.
 */
public final class DeadLetters {

    private static final Map<String, Integer> LOCAL_PORTS = Map.of(
            "intake", 8081, "promise-tracking", 8082, "recovery-escalation", 8083, "loyalty-scoring", 8084);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DeadLetters() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !List.of("list", "replay", "replays").contains(args[1])) {
            usage();
        }
        String service = args[2];
        String base = System.getenv("SERVICE_URL");
        if (base == null || base.isBlank()) {
            Integer port = LOCAL_PORTS.get(service);
            if (port == null) {
                System.err.println("SERVICE must be one of " + LOCAL_PORTS.keySet() + " (or set SERVICE_URL)");
                System.exit(2);
            }
            base = "http://127.0.0.1:" + port;
        }
        String token = System.getenv("TOKEN");
        if (token == null || token.isBlank()) {
            token = DevTokens.inDirectory(Path.of(args[0])).token("make-replay", "admin", null, Duration.ofMinutes(10));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path(args[1]) + query(args)))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                // a replay reads the whole dead-letter topic and waits for Kafka to take every record
                .timeout(Duration.ofMinutes(10))
                .method(args[1].equals("replay") ? "POST" : "GET", HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("Cannot reach " + service + " at " + base + " (" + e + "): is it running (make run)?");
            System.exit(1);
            return;
        }
        JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
        System.out.println(body == null ? "HTTP " + response.statusCode() : JSON.writeValueAsString(body));
        boolean failed = response.statusCode() >= 400 || (body != null && body.path("failed").size() > 0);
        System.exit(failed ? 1 : 0);
    }

    private static String path(String command) {
        return switch (command) {
            case "replay" -> "/api/v1/admin/dead-letters/replay";
            case "replays" -> "/api/v1/admin/dead-letters/replays";
            default -> "/api/v1/admin/dead-letters";
        };
    }

    private static String query(String[] args) {
        List<String> parameters = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            if (pair.length == 2 && !pair[1].isEmpty()) {
                parameters.add(pair[0] + "=" + URLEncoder.encode(pair[1], StandardCharsets.UTF_8));
            }
        }
        return parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
    }

    private static void usage() {
        System.err.println("usage: DeadLetters KEY_DIR list|replay|replays SERVICE [from=RFC3339] [to=RFC3339]"
                + " [reason=TEXT] [reasonRegex=REGEX] [limit=N] [dryRun=true] [force=true]");
        System.exit(2);
    }
}
