package org.servicerecovery.e2e.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests an agent or a CRM can send that must be refused with a 4xx problem+json and change nothing: an agent's
 * 1 MB note (whose event would exceed Kafka's record limit), an absurd remedy value, a NUL in a path, a page beyond any
 * offset, an event with a lone surrogate.
 */
final class HostileRequests {

    /** What one request got back. */
    record Answer(String request, int status, String contentType) {
        boolean refusedProperly() {
            return status >= 400 && status < 500 && contentType.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + contentType;
        }
    }

    // HTTP/1.1 as the console and CRMs speak it: an h2c upgrade with a 1 MB body is refused with GOAWAY, not with a 413
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HostileRequests() {
    }

    static List<Answer> send(int intakePort, int recoveryPort, String caseId, String agentToken, String crmToken)
            throws InterruptedException {
        String cases = "http://127.0.0.1:" + recoveryPort + "/api/v1/cases";
        List<Answer> answers = new ArrayList<>();
        answers.add(post("1 MB pause note", cases + "/" + caseId + "/pause", agentToken, "application/json",
                "{\"note\": \"" + "n".repeat(1024 * 1024) + "\"}"));
        answers.add(post("remedy worth 123456789012", cases + "/" + caseId + "/remedy", agentToken, "application/json",
                "{\"type\": \"voucher\", \"value\": 123456789012, \"note\": \"sorry\"}"));
        answers.add(get("NUL in a path", cases + "/%00", agentToken));
        answers.add(get("page 2147483647", cases + "?page=2147483647", agentToken));
        answers.add(post("event with a lone surrogate", "http://127.0.0.1:" + intakePort + "/api/v1/events", crmToken,
                "application/cloudevents+json", """
                        {"specversion": "1.0", "id": "hostile-%d", "source": "urn:crm:chaos", "type": "complaint.filed",
                         "subject": "hostile", "time": "2026-01-01T00:00:00Z", "datacontenttype": "application/json",
                         "data": {"customerId": "hostile", "complaintId": "k", "channel": "phone", "category": "delivery",
                                  "severity": "low", "summary": "bad \\ud800", "occurredAt": "2026-01-01T00:00:00Z"}}"""
                        .formatted(System.nanoTime())));
        return answers;
    }

    private static Answer post(String what, String url, String token, String contentType, String body)
            throws InterruptedException {
        return answer(what, HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Answer get(String what, String url, String token) throws InterruptedException {
        return answer(what, HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET());
    }

    /** A connection the service drops instead of answering is a failure of the service, recorded as status -1. */
    private static Answer answer(String what, HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<Void> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return new Answer(what, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            return new Answer(what, -1, e.toString());
        }
    }
}
