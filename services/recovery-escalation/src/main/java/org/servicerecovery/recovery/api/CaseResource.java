package org.servicerecovery.recovery.api;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.recovery.api.CaseViews.AnswersRequest;
import org.servicerecovery.recovery.api.CaseViews.AssignRequest;
import org.servicerecovery.recovery.api.CaseViews.CasePage;
import org.servicerecovery.recovery.api.CaseViews.CaseSummary;
import org.servicerecovery.recovery.api.CaseViews.MessageRequest;
import org.servicerecovery.recovery.api.CaseViews.NoteRequest;
import org.servicerecovery.recovery.api.CaseViews.RemedyRequest;
import org.servicerecovery.recovery.api.CaseViews.TeamRequest;
import org.servicerecovery.recovery.application.CaseCommands;
import org.servicerecovery.recovery.domain.Answers;
import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.RecoveryRules;
import org.servicerecovery.recovery.domain.Remedy;
import org.servicerecovery.recovery.domain.TimelineEntry;
import org.servicerecovery.recovery.persistence.CaseFilter;
import org.servicerecovery.recovery.persistence.CaseQueries;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;
import org.servicerecovery.servicekit.Text;
import org.servicerecovery.servicekit.Viewer;

import io.smallrye.mutiny.Uni;

/**
 * Recovery cases as agents, supervisors and admins see them, and every agent action as a POST subresource. A case
 * outside the caller's view answers 404, as if it did not exist; an action the case's state forbids answers 409.
 */
@Path("/api/v1/cases")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN})
public class CaseResource {

    static final int MAX_PAGE_SIZE = 500;
    /** The limits of outreach.requested's subject and body. */
    static final int SUBJECT_MAX_LENGTH = 400;
    static final int BODY_MAX_LENGTH = 20_000;
    /** The limit feedback.received sets for the same three answers from a CRM. */
    static final int ANSWER_MAX_LENGTH = 4_000;

    private final CaseQueries queries;
    private final CaseCommands commands;
    private final RecoveryRules rules;
    private final Amounts amounts;
    private final JsonWebToken token;

    public CaseResource(CaseQueries queries, CaseCommands commands, RecoveryRules rules, Amounts amounts,
                        JsonWebToken token) {
        this.queries = queries;
        this.commands = commands;
        this.rules = rules;
        this.amounts = amounts;
        this.token = token;
    }

    @GET
    public Uni<CasePage> list(@QueryParam("state") String state, @QueryParam("assignee") String assignee,
                              @QueryParam("team") String team, @QueryParam("severity") String severity,
                              @QueryParam("overdue") String overdue, @QueryParam("page") String page,
                              @QueryParam("size") String size) {
        QueryParams params = new QueryParams();
        params.require(overdue == null || overdue.equals("true") || overdue.equals("false"), "overdue",
                "must be true or false");
        CaseFilter filter = new CaseFilter(params.oneOf("state", state, CaseState.class, null), assignee, team,
                params.oneOf("severity", severity, Severity.class, null), overdue == null ? null : Boolean.valueOf(overdue));
        int pageIndex = params.integer("page", page, 0, 0, 100_000);
        int pageSize = params.integer("size", size, 50, 1, MAX_PAGE_SIZE);
        params.check();
        return queries.list(filter, viewer(), pageIndex, pageSize).map(result -> new CasePage(
                result.items().stream().map(CaseSummary::of).toList(), pageIndex, pageSize, result.total()));
    }

    @GET
    @Path("/{id}")
    public Uni<RecoveryCase> get(@PathParam("id") String id) {
        return queries.find(id, viewer()).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @GET
    @Path("/{id}/timeline")
    public Uni<List<TimelineEntry>> timeline(@PathParam("id") String id) {
        return queries.timeline(id, viewer()).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    @POST
    @Path("/{id}/claim")
    public Uni<RecoveryCase> claim(@PathParam("id") String id) {
        String me = token.getSubject();
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.assign(c, me, me, now)));
    }

    @POST
    @Path("/{id}/assign")
    public Uni<RecoveryCase> assign(@PathParam("id") String id, AssignRequest request) {
        QueryParams params = new QueryParams();
        String assignee = params.requiredLine("/assignee", request == null ? null : request.assignee(),
                Text.NAME_MAX_LENGTH);
        params.check();
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.assign(c, assignee, actor(), now)));
    }

    /** Moves the case to another team's queue: a supervisor's or admin's decision, as it changes who may see it. */
    @POST
    @Path("/{id}/team")
    @RolesAllowed({Roles.SUPERVISOR, Roles.ADMIN})
    public Uni<RecoveryCase> reassignTeam(@PathParam("id") String id, TeamRequest request) {
        QueryParams params = new QueryParams();
        String team = params.requiredLine("/team", request == null ? null : request.team(), Text.NAME_MAX_LENGTH);
        params.check();
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.reassignTeam(c, team, actor(), now)));
    }

    /** Sends the drafted apology (or follow-up) as it is, or with the agent's edits; a blank field keeps the draft's. */
    @POST
    @Path("/{id}/message")
    public Uni<RecoveryCase> sendMessage(@PathParam("id") String id, MessageRequest request) {
        QueryParams params = new QueryParams();
        String subject = params.line("/subject", request == null ? null : request.subject(), SUBJECT_MAX_LENGTH);
        String body = params.text("/body", request == null ? null : request.body(), BODY_MAX_LENGTH);
        params.check();
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.approveMessage(c, subject, body,
                actor(), now)));
    }

    /** {@code currency} (ISO 4217) defaults to {@code recovery.remedy.currency}; {@code value} to zero. */
    @POST
    @Path("/{id}/remedy")
    public Uni<RecoveryCase> remedy(@PathParam("id") String id, RemedyRequest request) {
        RemedyRequest body = request == null ? new RemedyRequest(null, null, null, null) : request;
        QueryParams params = new QueryParams();
        Remedy.Type type = params.oneOf("/type", body.type(), Remedy.Type.class, null);
        params.require(body.type() != null, "/type", "is required: refund, replacement, credit, fix or other");
        Currency currency = amounts.currency(params, "/currency", body.currency());
        BigDecimal value = amounts.value(params, "/value", body.value(), currency);
        String note = params.text("/note", body.note(), Text.NOTE_MAX_LENGTH);
        params.check();
        return commands.run(id, viewer(), (c, policy, now) -> rules.recordRemedy(c,
                new Remedy(type, value, currency.getCurrencyCode(), note, actor(), now), policy, now));
    }

    @POST
    @Path("/{id}/follow-up")
    public Uni<RecoveryCase> followUp(@PathParam("id") String id, AnswersRequest request) {
        AnswersRequest body = request == null ? new AnswersRequest(null, null, null) : request;
        QueryParams params = new QueryParams();
        Answers answers = new Answers(
                params.requiredText("/improveOneThing", body.improveOneThing(), ANSWER_MAX_LENGTH),
                params.requiredText("/additionalValue", body.additionalValue(), ANSWER_MAX_LENGTH),
                params.requiredText("/bestExperience", body.bestExperience(), ANSWER_MAX_LENGTH));
        params.check();
        return commands.run(id, viewer(),
                (c, policy, now) -> rules.recordAnswers(c, answers, actor(), now, policy, now));
    }

    @POST
    @Path("/{id}/steps/{stepId}/complete")
    public Uni<RecoveryCase> completeStep(@PathParam("id") String id, @PathParam("stepId") String stepId) {
        return commands.run(id, viewer(), (c, policy, now) -> rules.completeStep(c, stepId, actor(), policy, now));
    }

    @POST
    @Path("/{id}/pause")
    public Uni<RecoveryCase> pause(@PathParam("id") String id, NoteRequest request) {
        String note = note(request);
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.pause(c, note, actor(), now)));
    }

    @POST
    @Path("/{id}/resume")
    public Uni<RecoveryCase> resume(@PathParam("id") String id) {
        return commands.run(id, viewer(), (c, policy, now) -> rules.resume(c, actor(), policy, now));
    }

    @POST
    @Path("/{id}/escalate")
    public Uni<RecoveryCase> escalate(@PathParam("id") String id, NoteRequest request) {
        String note = note(request);
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.escalateManually(c, note, actor(), now)));
    }

    @POST
    @Path("/{id}/resolve")
    public Uni<RecoveryCase> resolve(@PathParam("id") String id, NoteRequest request) {
        String note = note(request);
        return commands.run(id, viewer(), CaseCommands.simple((c, now) -> rules.resolve(c, note, actor(), now)));
    }

    @POST
    @Path("/{id}/reopen")
    public Uni<RecoveryCase> reopen(@PathParam("id") String id, NoteRequest request) {
        String note = note(request);
        return commands.run(id, viewer(), (c, policy, now) -> rules.reopen(c, note, actor(), policy, now));
    }

    private Viewer viewer() {
        return Viewer.of(token);
    }

    private String actor() {
        return token.getSubject();
    }

    /** A note or reason: optional, blank counts as none; it may travel in an event (recovery.case-paused). */
    private static String note(NoteRequest request) {
        QueryParams params = new QueryParams();
        String note = params.text("/note", request == null ? null : request.note(), Text.NOTE_MAX_LENGTH);
        params.check();
        return note;
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("No case " + id + " that you may see.");
    }
}
