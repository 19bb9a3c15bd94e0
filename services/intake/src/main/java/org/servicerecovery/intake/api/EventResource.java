package org.servicerecovery.intake.api;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.InvalidCloudEventException;
import org.servicerecovery.intake.IntakeMetrics.Outcome;
import org.servicerecovery.intake.IntakeMetrics;
import org.servicerecovery.intake.api.EventViews.BatchResult;
import org.servicerecovery.intake.api.EventViews.EventResult;
import org.servicerecovery.intake.api.EventViews.StoredEventView;
import org.servicerecovery.intake.application.Intake.Fate;
import org.servicerecovery.intake.application.Intake;
import org.servicerecovery.intake.domain.EventValidator.Batch;
import org.servicerecovery.intake.domain.EventValidator;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.intake.persistence.InboundStore;
import org.servicerecovery.servicekit.Problem.FieldError;
import org.servicerecovery.servicekit.Problem;
import org.servicerecovery.servicekit.Roles;

import io.smallrye.mutiny.Uni;

/**
 * The REST door for CRMs: one event or a batch, answered 202 with each event's outcome. A single invalid event is a
 * 400 problem listing every invalid field by JSON pointer (413 if too large); in a batch the valid events are taken
 * and the invalid ones answered "rejected" with their problems. A valid event the database refuses is a 422 for its
 * own request only ({@link Intake}). Per-client rate limit: 429 with Retry-After.
 */
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    private static final String TRACEPARENT = "traceparent";
    private static final ObjectMapper MAPPER = EventData.newObjectMapper();

    private final EventValidator validator;
    private final Intake intake;
    private final IntakeMetrics metrics;
    private final InboundStore store;
    private final GroupCommit groupCommit;
    private final RateLimiter limiter;
    private final JsonWebToken token;
    private final UriInfo uri;
    private final Clock clock;

    public EventResource(EventValidator validator, Intake intake, IntakeMetrics metrics, InboundStore store,
            GroupCommit groupCommit, RateLimiter limiter, JsonWebToken token, UriInfo uri, Clock clock) {
        this.validator = validator;
        this.intake = intake;
        this.metrics = metrics;
        this.store = store;
        this.groupCommit = groupCommit;
        this.limiter = limiter;
        this.token = token;
        this.uri = uri;
        this.clock = clock;
    }

    @POST
    @Consumes({CloudEvents.STRUCTURED_CONTENT_TYPE, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.CRM)
    public Uni<Response> one(byte[] body, @HeaderParam(TRACEPARENT) String traceparent) {
        Optional<Response> limited = rateLimited();
        if (limited.isPresent()) {
            return Uni.createFrom().item(limited.get());
        }
        Verdict verdict = validator.structured(body, "");
        if (verdict instanceof Verdict.Invalid invalid) {
            metrics.count(Outcome.REJECTED, invalid.type(), Ingress.REST);
            return Uni.createFrom().item(invalid.tooLarge()
                    ? problem("too-large", "Payload Too Large", 413, invalid.problems())
                    : problem("invalid-event", "Invalid CloudEvent", 400, invalid.problems()));
        }
        Verdict.Valid valid = (Verdict.Valid) verdict;
        return groupCommit.take(valid, traceparent).map(fate -> fate.refusal() != null
                ? problem("unstorable-event", "Event Could Not Be Stored", 422, List.of(new InvalidCloudEventException.Problem(
                        "", fate.refusal().reason())))
                : Response.accepted(new EventResult(null, valid.event().source(), valid.event().id(),
                        status(fate.outcome()), null)).build());
    }

    @POST
    @Path("/batch")
    @Consumes(CloudEvents.BATCH_CONTENT_TYPE)
    @RolesAllowed(Roles.CRM)
    public Uni<Response> batch(byte[] body, @HeaderParam(TRACEPARENT) String traceparent) {
        Optional<Response> limited = rateLimited();
        if (limited.isPresent()) {
            return Uni.createFrom().item(limited.get());
        }
        Batch batch = validator.batch(body);
        if (batch instanceof Batch.Refused refused) {
            return Uni.createFrom().item(refused.tooLarge()
                    ? problem("too-large", "Payload Too Large", 413, refused.problems())
                    : problem("invalid-batch", "Invalid batch", 400, refused.problems()));
        }
        List<Verdict> verdicts = ((Batch.Events) batch).verdicts();
        return intake.take(verdicts, Collections.nCopies(verdicts.size(), traceparent), Ingress.REST, now())
                .map(fates -> {
                    List<EventResult> results = new ArrayList<>(verdicts.size());
                    for (int i = 0; i < verdicts.size(); i++) {
                        results.add(result(i, verdicts.get(i), fates.get(i)));
                    }
                    return Response.accepted(new BatchResult(count(fates, Outcome.ACCEPTED),
                            count(fates, Outcome.DUPLICATE), count(fates, Outcome.REJECTED), results)).build();
                });
    }

    /** {@code source} is a URI-reference and usually contains slashes: everything before the last segment. */
    @GET
    @Path("/{source: .+}/{id: [^/]+}")
    @RolesAllowed(Roles.ADMIN)
    public Uni<StoredEventView> get(@PathParam("source") String source, @PathParam("id") String id) {
        return store.find(source, id).map(found -> found
                .map(event -> new StoredEventView(event.source(), event.id(), event.type(), event.customerId(),
                        event.channel(), event.receivedAt(),
                        event.awaitingPublication() ? "awaiting-publication" : "published", json(event.raw())))
                .orElseThrow(() -> new NotFoundException("No event " + id + " from " + source + " was accepted.")));
    }

    private static JsonNode json(String raw) {
        try {
            return MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the database returned invalid JSONB", e);
        }
    }

    private Optional<Response> rateLimited() {
        return limiter.acquire(token.getSubject()).map(wait -> {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            return Response.fromResponse(problem("rate-limited", "Too Many Requests", 429, List.of()))
                    .header(HttpHeaders.RETRY_AFTER, seconds).build();
        });
    }

    private Response problem(String slug, String title, int status, List<InvalidCloudEventException.Problem> problems) {
        List<FieldError> errors = fieldErrors(problems);
        String detail = switch (status) {
            case 429 -> "Too many requests from this client; retry after the time in Retry-After.";
            case 413 -> "Too large: the body " + errors.get(0).detail() + ".";
            case 422 -> "The event " + errors.get(0).detail() + ".";
            default -> errors.size() == 1 ? "1 problem: fix it and send again."
                    : errors.size() + " problems: fix them all and send again.";
        };
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(slug, title, status, detail, errors).at(uri.getPath())).build();
    }

    private static List<FieldError> fieldErrors(List<InvalidCloudEventException.Problem> problems) {
        return problems.stream().map(problem -> new FieldError(problem.pointer(), problem.message())).toList();
    }

    private static EventResult result(int index, Verdict verdict, Fate fate) {
        if (verdict instanceof Verdict.Invalid invalid) {
            return new EventResult(index, null, null, "rejected", fieldErrors(invalid.problems()));
        }
        Verdict.Valid valid = (Verdict.Valid) verdict;
        String source = valid.event().source();
        String id = valid.event().id();
        return fate.refusal() != null
                ? new EventResult(index, source, id, "rejected", List.of(new FieldError("/" + index, fate.refusal().reason())))
                : new EventResult(index, source, id, status(fate.outcome()), null);
    }

    private static String status(Outcome outcome) {
        return outcome == Outcome.ACCEPTED ? "accepted" : "duplicate";
    }

    private static int count(List<Fate> fates, Outcome wanted) {
        return (int) fates.stream().filter(fate -> fate.outcome() == wanted).count();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
