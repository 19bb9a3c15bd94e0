package org.servicerecovery.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps the JSON Schemas and the records in step; reflection is fine here, it is only a test. */
class EventSchemaTest {

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private final ObjectMapper mapper = EventData.newObjectMapper();

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaDescribesExactlyTheRecordComponents(EventType type) throws IOException {
        JsonNode schema = load(type.schemaPath());
        List<RecordComponent> components = Arrays.asList(type.dataClass().getRecordComponents());

        assertEquals(DRAFT_2020_12, schema.get("$schema").asText());
        assertEquals(type.dataschema(), schema.get("$id").asText());
        assertEquals("object", schema.get("type").asText());
        assertEquals(names(components), fieldNames(schema.get("properties")));
        assertEquals(names(components.stream().filter(c -> !optional(c)).toList()), texts(schema.get("required")));
        // Inbound schemas stay open so CRMs can send fields ahead of the contract; ours are closed.
        assertEquals(type.inbound(), schema.get("additionalProperties").asBoolean());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void schemaTypesMatchTheJavaTypes(EventType type) throws IOException {
        JsonNode properties = load(type.schemaPath()).get("properties");

        for (RecordComponent component : type.dataClass().getRecordComponents()) {
            JsonNode property = properties.get(component.getName());
            String where = type.type() + "." + component.getName();
            assertEquals(Set.of(jsonType(component.getType())), nonNullTypes(property.get("type")), where);
            assertEquals(optional(component) && type.inbound(), texts(property.get("type")).contains("null"), where);
            if (component.getType() == OffsetDateTime.class) {
                assertEquals("date-time", property.path("format").asText(), where);
            }
            if (component.getType().isEnum()) {
                assertEquals(wireNames(component.getType()), texts(property.get("enum")), where);
            }
            if (component.getType() == String.class) {
                assertTrue(property.has("maxLength") || property.has("pattern"), where + " is unbounded");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void requiredComponentsRejectNullWithTheirName(EventType type) throws Exception {
        CustomerEvent sample = Samples.all().get(type);
        RecordComponent[] components = type.dataClass().getRecordComponents();
        Constructor<?> canonical = type.dataClass().getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));

        for (int i = 0; i < components.length; i++) {
            if (optional(components[i]) || components[i].getType().isPrimitive()) {
                continue;
            }
            Object[] arguments = new Object[components.length];
            for (int j = 0; j < components.length; j++) {
                arguments[j] = j == i ? null : components[j].getAccessor().invoke(sample);
            }
            var e = assertThrows(InvocationTargetException.class, () -> canonical.newInstance(arguments));
            // EventData turns this message into the pointer /data/<component>.
            assertEquals(NullPointerException.class, e.getCause().getClass());
            assertEquals(components[i].getName(), e.getCause().getMessage());
        }
    }

    @Test
    void theWatermarkSchemaDescribesItsRecordAndAnEventRoundTrips() throws IOException {
        JsonNode schema = load(IntakeWatermark.SCHEMA_PATH);
        assertEquals(IntakeWatermark.DATASCHEMA, schema.get("$id").asText());
        assertEquals(List.of("watermark", "partitions"), fieldNames(schema.get("properties")));
        assertEquals(Set.of("watermark", "partitions"), Set.copyOf(texts(schema.get("required"))));

        java.time.Instant at = java.time.Instant.parse("2026-01-02T03:04:05.678Z");
        CloudEvent event = IntakeWatermark.event("urn:test", 2, at, 6, at);
        CloudEvent read = CloudEvents.fromStructuredJson(CloudEvents.toStructuredJson(event));
        assertTrue(IntakeWatermark.is(read));
        assertEquals("partition-2", read.subject());
        assertEquals(at, IntakeWatermark.read(read).watermark().toInstant());
        assertEquals(6, IntakeWatermark.read(read).partitions());
        assertThrows(InvalidCloudEventException.class, () -> IntakeWatermark.read(CloudEvent.of("x", "urn:test",
                IntakeWatermark.TYPE, "partition-0", null, mapper.createObjectNode().put("partitions", 0))));
    }

    @Test
    void everySchemaFileBelongsToTheCatalogue() throws IOException, URISyntaxException {
        Path directory = Path.of(getClass().getClassLoader().getResource("schemas").toURI());
        Set<String> expected = Stream.concat(Stream.of("schemas/cloudevent.v1.json", IntakeWatermark.SCHEMA_PATH),
                Arrays.stream(EventType.values()).map(EventType::schemaPath)).collect(Collectors.toSet());

        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(expected, files.map(file -> "schemas/" + file.getFileName()).collect(Collectors.toSet()));
        }
    }

    @Test
    void envelopeSchemaRequiresTheCloudEventsAttributes() throws IOException {
        JsonNode schema = load("schemas/cloudevent.v1.json");

        assertEquals(DRAFT_2020_12, schema.get("$schema").asText());
        assertEquals("https://servicerecovery.org/schemas/cloudevent.v1.json", schema.get("$id").asText());
        assertEquals(List.of("specversion", "id", "source", "type"), texts(schema.get("required")));
        assertEquals(CloudEvent.SPEC_VERSION, schema.at("/properties/specversion/const").asText());
    }

    private JsonNode load(String resource) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " is missing");
            return mapper.readTree(in);
        }
    }

    private static boolean optional(RecordComponent component) {
        JsonInclude include = component.getAccessor().getAnnotation(JsonInclude.class);
        return include != null && include.value() == JsonInclude.Include.NON_NULL;
    }

    private static String jsonType(Class<?> type) {
        if (type == int.class || type == long.class) {
            return "integer";
        }
        if (type == boolean.class) {
            return "boolean";
        }
        if (type == List.class) {
            return "array";
        }
        return "string";
    }

    private List<String> wireNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> mapper.convertValue(constant, String.class))
                .toList();
    }

    private static List<String> names(List<RecordComponent> components) {
        return components.stream().map(RecordComponent::getName).toList();
    }

    private static List<String> fieldNames(JsonNode object) {
        return object.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static List<String> texts(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        List<String> texts = new ArrayList<>();
        node.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    private static Set<String> nonNullTypes(JsonNode type) {
        return texts(type).stream().filter(t -> !t.equals("null")).collect(Collectors.toSet());
    }
}
