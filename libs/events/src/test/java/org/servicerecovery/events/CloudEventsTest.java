package org.servicerecovery.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.servicerecovery.events.InvalidCloudEventException.Problem;

class CloudEventsTest {

    private final ObjectMapper mapper = EventData.newObjectMapper();

    private final CloudEvent event = new CloudEvent("1.0", "evt-1", "https://crm.example.com/tenants/acme",
            "complaint.filed", "cust-42", Samples.T0, "application/json",
            "https://servicerecovery.org/schemas/complaint.filed.v1.json",
            mapper.valueToTree(Samples.all().get(EventType.COMPLAINT_FILED)),
            Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "crmtenant", "acme"));

    @Test
    void structuredModeRoundTrips() throws Exception {
        byte[] json = CloudEvents.toStructuredJson(event);

        JsonNode document = mapper.readTree(json);
        assertEquals("1.0", document.get("specversion").asText());
        assertEquals("2025-06-02T09:30:00+02:00", document.get("time").asText());
        assertEquals("acme", document.get("crmtenant").asText());
        assertEquals(event, CloudEvents.fromStructuredJson(json));
    }

    @Test
    void structuredModeReadsWhatOtherSdksWrite() {
        String json = """
                {"specversion": "1.0", "id": "A234-1234-1234", "source": "/crm/acme", "type": "commitment.fulfilled",
                 "subject": null, "time": "2025-06-02T07:30:00Z", "sequence": 7, "urgent": true,
                 "data": {"customerId": "cust-42", "commitmentId": "com-7", "fulfilledAt": "2025-06-02T07:30:00Z"}}
                """;

        CloudEvent received = CloudEvents.fromStructuredJson(json.getBytes(UTF_8));

        assertNull(received.subject(), "a null attribute is an absent one");
        assertNull(received.datacontenttype());
        assertEquals(OffsetDateTime.parse("2025-06-02T07:30:00Z"), received.time());
        assertEquals(Map.of("sequence", "7", "urgent", "true"), received.extensions());
        assertEquals("com-7", received.data().get("commitmentId").asText());
    }

    @Test
    void binaryModeRoundTrips() {
        Map<String, String> headers = CloudEvents.toBinaryHeaders(event);

        assertEquals(Map.of("ce_specversion", "1.0", "ce_id", "evt-1",
                "ce_source", "https://crm.example.com/tenants/acme", "ce_type", "complaint.filed",
                "ce_subject", "cust-42", "ce_time", "2025-06-02T09:30:00+02:00",
                "ce_dataschema", "https://servicerecovery.org/schemas/complaint.filed.v1.json",
                "ce_traceparent", event.extensions().get("traceparent"), "ce_crmtenant", "acme",
                "content-type", "application/json"), headers);
        assertEquals(event, CloudEvents.fromBinary(headers, CloudEvents.toBinaryData(event)));
    }

    @Test
    void binaryModeCarriesAnEventWithoutDataAsARecordWithoutValue() {
        CloudEvent withoutData = CloudEvent.of("evt-2", "/crm", "customer.upserted", "cust-42", null, null);

        assertNull(CloudEvents.toBinaryData(withoutData));
        assertEquals(withoutData, CloudEvents.fromBinary(CloudEvents.toBinaryHeaders(withoutData), null));
    }

    @Test
    void binaryModeIgnoresTransportHeadersAndTheCaseOfContentType() {
        Map<String, String> headers = new HashMap<>(CloudEvents.toBinaryHeaders(event));
        headers.put("Content-Type", headers.remove("content-type"));
        headers.put("traceparent-kafka", "ignored");

        assertEquals(event, CloudEvents.fromBinary(headers, CloudEvents.toBinaryData(event)));
    }

    @Test
    void kafkaRecordsAreDecodedInTheModeTheirContentTypeNames() {
        byte[] structured = CloudEvents.toStructuredJson(event);

        Map<String, String> structuredHeaders = Map.of("content-type", "application/cloudevents+json; charset=UTF-8");
        Map<String, String> batchHeaders = Map.of("content-type", CloudEvents.BATCH_CONTENT_TYPE);

        assertEquals(event, CloudEvents.fromKafka(structuredHeaders, structured));
        assertEquals(event, CloudEvents.fromKafka(CloudEvents.toBinaryHeaders(event), CloudEvents.toBinaryData(event)));
        assertProblems(() -> CloudEvents.fromKafka(batchHeaders, structured), "");
    }

    @Test
    void batchesRoundTrip() {
        CloudEvent other = CloudEvent.of("evt-2", "/crm", "customer.upserted", "cust-7", Samples.T0,
                mapper.valueToTree(Samples.all().get(EventType.CUSTOMER_UPSERTED)));

        assertEquals(List.of(event, other), CloudEvents.fromBatchJson(CloudEvents.toBatchJson(List.of(event, other))));
    }

    @Test
    void batchProblemsPointAtTheEventInTheBatch() {
        String json = """
                [{"specversion": "1.0", "id": "1", "source": "/crm", "type": "customer.upserted"},
                 {"specversion": "1.0", "source": "/crm", "type": "customer.upserted"},
                 "not an event"]
                """;

        assertProblems(() -> CloudEvents.fromBatchJson(json.getBytes(UTF_8)), "/1/id", "/2");
    }

    @Test
    void anInvalidEnvelopeReportsEveryProblemWithItsPointer() {
        String json = """
                {"specversion": "0.3", "source": "not a uri ::", "type": "", "subject": "",
                 "time": "yesterday", "datacontenttype": "text/plain", "dataschema": "schemas/x.json",
                 "Bad-Name": "x", "a/b": "y", "nested": {"a": 1}, "data_base64": "AAA="}
                """;

        InvalidCloudEventException e = assertProblems(() -> CloudEvents.fromStructuredJson(json.getBytes(UTF_8)),
                "/specversion", "/id", "/source", "/type", "/subject", "/time", "/datacontenttype", "/dataschema",
                "/Bad-Name", "/a~1b", "/nested", "/data_base64");
        List<String> problems = e.problems().stream().map(Problem::toString).toList();
        assertTrue(problems.containsAll(
                List.of("/specversion must be 1.0", "/id is required", "/type must not be empty")), e::getMessage);
    }

    @Test
    void anInvalidBinaryRecordReportsEveryProblem() {
        Map<String, String> headers = new LinkedHashMap<>(CloudEvents.toBinaryHeaders(event));
        headers.remove("ce_id");
        headers.put("ce_specversion", "0.3");
        headers.put("ce_datacontenttype", "application/json");
        headers.put("ce_data", "smuggled");

        assertProblems(() -> CloudEvents.fromBinary(headers, "{not json".getBytes(UTF_8)),
                "/id", "/specversion", "/datacontenttype", "/data", "/data");
    }

    @Test
    void aDocumentThatIsNotAnEventObjectIsRejected() {
        assertProblems(() -> CloudEvents.fromStructuredJson("{\"specversion\":".getBytes(UTF_8)), "");
        assertProblems(() -> CloudEvents.fromStructuredJson("[1]".getBytes(UTF_8)), "");
        assertProblems(() -> CloudEvents.fromStructuredJson("{} trailing".getBytes(UTF_8)), "");
    }

    @Test
    void anInvalidEventCannotBeBuiltInCodeEither() {
        assertProblems(() -> CloudEvent.of(" ", "", "promise.missed", "cust-42", null, null), "/source");
        assertProblems(() -> CloudEvent.of(null, "/x", "promise.missed", "cust-42", null, null), "/id");
    }

    private static InvalidCloudEventException assertProblems(Executable decoding, String... pointers) {
        InvalidCloudEventException e = assertThrows(InvalidCloudEventException.class, decoding);
        assertEquals(List.of(pointers).stream().sorted().toList(),
                e.problems().stream().map(Problem::pointer).sorted().toList(), e::getMessage);
        return e;
    }
}
