package org.servicerecovery.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for promise-tracking, recovery-escalation and loyalty-scoring (one small HTTP server on loopback) and
 * leaves intake down (a closed port). It answers canned JSON in the services' shapes for the pages, echoes what it
 * received on {@code /api/v1/promises/echo…}, refuses calls without a token like the real services, and is slow on
 * {@code /api/v1/reports/perception-gap} to provoke the gateway's timeout.
 */
public class FakeServices implements QuarkusTestResourceLifecycleManager {

    static final String CASE_ID = "case-1";
    static final String CUSTOMER_ID = "cust-1";

    private HttpServer server;
    private ExecutorService threads;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", this::answer);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "console.backends.promise-tracking", url,
                "console.backends.recovery-escalation", url,
                "console.backends.loyalty-scoring", url,
                "console.backends.intake", "http://127.0.0.1:" + closedPort(),
                "console.backends.request-timeout", "1s");
    }

    @Override
    public void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            respond(exchange, 401, "application/problem+json",
                    "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"A valid bearer token is required.\"}");
            return;
        }
        if (path.equals("/api/v1/reports/perception-gap")) {
            sleep();
        }
        if (path.startsWith("/api/v1/promises/echo")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            respond(exchange, 200, "application/json", "{\"method\":\"" + exchange.getRequestMethod()
                    + "\",\"uri\":\"" + exchange.getRequestURI() + "\",\"authorization\":\"" + authorization
                    + "\",\"body\":" + (body.isEmpty() ? "null" : body) + "}");
            return;
        }
        if (exchange.getRequestMethod().equals("POST")) {
            accept(exchange, path, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            return;
        }
        String json = canned(path);
        respond(exchange, json == null ? 404 : 200, json == null ? "application/problem+json" : "application/json",
                json == null ? "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"No " + path + " that you may see.\"}" : json);
    }

    /** Case actions succeed; a policy containing "invalid" is refused the way a validating service would. */
    private static void accept(HttpExchange exchange, String path, String body) throws IOException {
        if (path.equals("/api/v1/policies") && body.contains("invalid")) {
            respond(exchange, 400, "application/problem+json", "{\"title\":\"Invalid policy\",\"status\":400,"
                    + "\"detail\":\"1 field(s) are invalid.\",\"errors\":[{\"pointer\":\"/steps/0/due\","
                    + "\"detail\":\"line 3: must be an ISO-8601 duration\"}]}");
        } else {
            respond(exchange, path.equals("/api/v1/policies") ? 201 : 200, "application/json", "{}");
        }
    }

    static final String FOLLOW_UP_STARTS = "2026-12-03T10:00:00Z";

    private static String canned(String path) {
        Instant now = Instant.now();
        String openCase = """
                {"id":"%s","customer":{"id":"%s","name":"Carla Customer","tier":"GOLD"},"team":"blue","assignee":"alice",
                 "severity":"HIGH","trigger":"COMPLAINT","triggerRef":"cmp-9","failure":"Parcel promised for Monday never came",
                 "repeat":false,"policyId":"default","policyVersion":3,"state":"OPEN","openedAt":"%s","futureField":{"x":1},
                 "steps":[{"id":"s1","kind":"APOLOGY","title":"Apologise","state":"ACTIVE","warnAt":"%s","dueAt":"%s",
                           "outreach":"AWAITING_APPROVAL","subject":"We are sorry","body":"Dear Carla, we are sorry."},
                          {"id":"s2","kind":"REMEDY","title":"Remedy","state":"PENDING","dueAt":"%s"},
                          {"id":"s3","kind":"FOLLOW_UP","title":"Follow up","state":"SCHEDULED","startAt":"%s"}],
                 "remedies":[],"answers":null}
                """.formatted(CASE_ID, CUSTOMER_ID, now.minusSeconds(600), now.minusSeconds(60), now.plusSeconds(300),
                now.plusSeconds(14_400), FOLLOW_UP_STARTS);
        String summary = """
                {"id":"%s","customerId":"%s","team":"blue","assignee":"alice","severity":"high","state":"OPEN",
                 "trigger":"complaint","triggerRef":"cmp-9","repeat":false,"escalation":"supervisor","openedAt":"%s",
                 "nextDeadline":"%s","overdue":false,"currentStep":"apology","policyVersion":3}
                """.formatted(CASE_ID, CUSTOMER_ID, now.minusSeconds(600), now.plusSeconds(300));
        return switch (path) {
            case "/api/v1/cases" -> "{\"items\":[" + summary + "],\"page\":0,\"size\":100,\"total\":1}";
            case "/api/v1/cases/" + CASE_ID -> openCase;
            case "/api/v1/cases/" + CASE_ID + "/timeline" ->
                    "[{\"at\":\"%s\",\"type\":\"case-opened\",\"actor\":\"system\",\"detail\":\"from complaint cmp-9\"}]"
                            .formatted(now.minusSeconds(600));
            case "/api/v1/promises" -> """
                    {"items":[{"id":"p1","customerId":"%s","owner":"alice","team":"blue","channel":"PHONE","tier":"GOLD",
                     "description":"Call back about the refund","dueAt":"%s","state":"PENDING"}],"page":0,"size":50,"total":1}
                    """.formatted(CUSTOMER_ID, now.plusSeconds(7200));
            case "/api/v1/customers/" + CUSTOMER_ID + "/loyalty" -> """
                    {"customerId":"%s","score":64,"band":"neutral","team":"blue","tier":"gold","weightsVersion":1,
                     "asOf":"%s","factors":[{"factor":"base","points":50,"eventIds":[]},
                     {"factor":"promise-kept","points":14,"eventIds":["e1"]}],
                     "history":[{"asOf":"%s","score":50,"band":"neutral"},{"asOf":"%s","score":64,"band":"neutral"}]}
                    """.formatted(CUSTOMER_ID, now, now.minusSeconds(86_400), now);
            case "/api/v1/escalations" -> "[" + summary + "]";
            case "/api/v1/reports/sla" -> "{\"groupBy\":\"team\",\"groups\":[{\"key\":\"blue\",\"cases\":5,"
                    + "\"apologyMinutesP50\":12,\"apologyMinutesP90\":41,\"stepsFinished\":10,\"stepsOnTime\":8,"
                    + "\"shareOnTime\":0.8,\"escalated\":1,\"openOverdue\":0,\"remedyCost\":[{\"currency\":\"EUR\",\"amount\":120.50}],\"handlingHours\":3.5}]}";
            case "/api/v1/promises/stats" -> "{\"groupBy\":\"team\",\"groups\":[{\"key\":\"blue\",\"made\":4,\"kept\":3,"
                    + "\"missed\":1,\"keptOnTimeRate\":0.75}]}";
            case "/api/v1/reports/perception-gap" -> "{\"rows\":[{\"team\":\"blue\",\"keptOnTimeRate\":0.75,"
                    + "\"stepsOnTimeRate\":0.5,\"averageRating\":7.5,\"promoterShare\":0.4,\"detractorShare\":0.2,\"gap\":0.1}]}";
            case "/api/v1/reports/recovery-paradox" ->
                    "{\"recoveries\":4,\"endedAbove\":1,\"endedAboveShare\":0.25,\"doubleDeviations\":2,\"cases\":[]}";
            case "/api/v1/policies" -> "[{\"version\":3,\"policyId\":\"default\",\"publishedAt\":\"" + now
                    + "\",\"publishedBy\":\"admin\",\"yaml\":\"id: default\\nrules: []\\n\"}]";
            default -> null;
        };
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
