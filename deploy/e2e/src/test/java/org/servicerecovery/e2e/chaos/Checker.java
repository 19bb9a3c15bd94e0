package org.servicerecovery.e2e.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.servicerecovery.e2e.Service;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.testing.TopicReader;

/**
 * Reconciles what the CRM sent against what the system did, from the services' tables, the topics and the logs: every
 * accepted event has exactly its expected effects, nothing lost, nothing twice, every poisoned record is dead-lettered
 * with its reason, every output topic keeps each customer's order ({@link CustomerOrder}), and no replica met a
 * database deadlock. Two different ids for one effect are always a duplicate. A record published again under the same
 * CloudEvents id is allowed only in kill mode, on the topics of a service one of whose replicas was killed (killed
 * between the broker's acknowledgement and the outbox delete) or after the broker or PostgreSQL was killed; in faults
 * mode, where no replica dies, it is a duplicate too.
 */
final class Checker {

    private static final int EXAMPLES = 5;
    // A timeline entry that took up a failure: "<trigger kind> <trigger ref>: <what went wrong>..."
    private static final Pattern FAILURE = Pattern.compile("^(\\S+) (\\S+): ");
    private static final List<Topic> DEAD_LETTERS = List.of(Topic.CRM_EVENTS_DLQ, Topic.PROMISE_TRACKING_DLQ,
            Topic.RECOVERY_ESCALATION_DLQ, Topic.LOYALTY_SCORING_DLQ);
    private static final Map<Topic, Service> OUTPUTS = Map.of(Topic.INTAKE_EVENTS, Service.INTAKE,
            Topic.PROMISE_EVENTS, Service.PROMISE_TRACKING, Topic.RECOVERY_EVENTS, Service.RECOVERY_ESCALATION,
            Topic.OUTREACH_REQUESTS, Service.RECOVERY_ESCALATION, Topic.LOYALTY_EVENTS, Service.LOYALTY_SCORING);
    /** PostgreSQL's message for a deadlock it broke, and its SQL state, as the drivers log them. */
    private static final Pattern DEADLOCK = Pattern.compile("deadlock detected|40P01");

    private final ChaosInfrastructure infrastructure;
    private final Inputs inputs;
    private final boolean faultsMode;
    private final Path logs;
    private final String customers;
    private final Map<Topic, List<ConsumerRecord<String, byte[]>>> snapshots = new HashMap<>();
    private final List<String> summary = new ArrayList<>();
    private final List<Reconciliation.Line> lines = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    Checker(ChaosInfrastructure infrastructure, Inputs inputs, boolean faultsMode, Path logs) {
        this.infrastructure = infrastructure;
        this.inputs = inputs;
        this.faultsMode = faultsMode;
        this.logs = logs;
        this.customers = inputs.run + "-%";
    }

    /** Deadlocks PostgreSQL detected and broke since its statistics began, over all databases. */
    static long databaseDeadlocks(ChaosInfrastructure infrastructure) throws SQLException {
        try (Connection connection = infrastructure.connect()) {
            return count(connection, "SELECT coalesce(sum(deadlocks), 0) FROM pg_stat_database");
        }
    }

    Reconciliation check(List<String> chaos, Chaos.Checks checks) throws SQLException, IOException {
        long kept = inputs.commitments.stream().filter(Inputs.Commitment::fulfilled).count();
        summary.addAll(chaos);
        summary.add(String.format("inputs: %d customers, %d commitments (%d fulfilled in time, %d not), %d complaints; "
                        + "%d events, %d of them sent twice", inputs.customers.size(), inputs.commitments.size(), kept,
                inputs.commitments.size() - kept, inputs.complaints.size(), inputs.events, inputs.resent));
        if (!inputs.poisoned.isEmpty()) {
            summary.add(String.format("poisoned records among them: %d (%s)", inputs.poisoned.size(),
                    inputs.poisoned.stream().map(p -> p.kind().name()).distinct().toList()));
        }
        try (Connection connection = infrastructure.connect()) {
            intake(connection);
            promises(connection);
            misses();
            Map<String, String> caseSeverities = cases(connection);
            apologies(caseSeverities);
            parkedTimers(connection);
        }
        deadLetters();
        republished(checks);
        order();
        deadlocks(checks);
        hostileRequests(checks.answers);
        problems.addAll(checks.problems);
        return new Reconciliation(summary, lines, problems);
    }

    private void intake(Connection connection) throws SQLException {
        long accepted = count(connection, "SELECT count(*) FROM intake.inbound_event WHERE source = ? AND customer_id LIKE ?",
                CrmLoad.SOURCE, customers);
        line("events accepted by intake (distinct ids)", inputs.events, accepted);
    }

    private void promises(Connection connection) throws SQLException {
        Map<String, String> states = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, state FROM promise_tracking.promise WHERE customer_id LIKE ?")) {
            query.setString(1, customers);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    states.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        line("promises (one per commitment)", inputs.commitments.size(),
                inputs.commitments.stream().filter(c -> states.containsKey(c.id())).count());
        report("commitments without a promise", inputs.commitments.stream()
                .filter(c -> !states.containsKey(c.id())).map(Inputs.Commitment::id));
        outcome(states, true, "KEPT");
        outcome(states, false, "MISSED");
        line("promise timers left (kept: cancelled, missed: fired)", 0,
                count(connection, "SELECT count(*) FROM promise_tracking.timer WHERE owner_id LIKE ?", customers));
    }

    private void outcome(Map<String, String> states, boolean fulfilled, String state) {
        List<Inputs.Commitment> commitments = inputs.commitments.stream().filter(c -> c.fulfilled() == fulfilled).toList();
        line("promises " + state + (fulfilled ? " (fulfilled in time)" : " (never fulfilled)"), commitments.size(),
                commitments.stream().filter(c -> state.equals(states.get(c.id()))).count());
        report("promises not " + state, commitments.stream().filter(c -> states.containsKey(c.id())
                && !state.equals(states.get(c.id()))).map(c -> c.id() + " is " + states.get(c.id())));
    }

    private void misses() {
        Map<String, Set<String>> idsPerPromise = new HashMap<>();
        int records = 0;
        for (CloudEvent event : events(Topic.PROMISE_EVENTS, EventType.PROMISE_MISSED)) {
            idsPerPromise.computeIfAbsent(EventData.read(event, PromiseMissed.class).promiseId(), id -> new HashSet<>())
                    .add(event.id());
            records++;
        }
        List<Inputs.Commitment> missed = inputs.commitments.stream().filter(c -> !c.fulfilled()).toList();
        line("promise.missed, one distinct event id per commitment not kept", missed.size(),
                missed.stream().filter(c -> idsPerPromise.getOrDefault(c.id(), Set.of()).size() == 1).count());
        line("promise.missed for commitments kept", 0, inputs.commitments.stream()
                .filter(c -> c.fulfilled() && idsPerPromise.containsKey(c.id())).count());
        report("promise.missed lost", missed.stream().filter(c -> !idsPerPromise.containsKey(c.id())).map(Inputs.Commitment::id));
        report("promise.missed under several ids", idsPerPromise.entrySet().stream()
                .filter(e -> e.getValue().size() > 1).map(e -> e.getKey() + " " + e.getValue()));
        summary.add(String.format("promise.missed: %d records for %d distinct ids (the difference is transport re-sends)",
                records, idsPerPromise.values().stream().mapToInt(Set::size).sum()));
    }

    /** Returns each case's severity by case id. */
    private Map<String, String> cases(Connection connection) throws SQLException {
        Map<String, String> severities = new HashMap<>();
        Map<String, Integer> casesPerCustomer = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, customer_id, severity FROM recovery_escalation.recovery_case WHERE customer_id LIKE ?")) {
            query.setString(1, customers);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    severities.put(rows.getString(1), rows.getString(3));
                    casesPerCustomer.merge(rows.getString(2), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> takenUp = new HashMap<>();
        int attached = 0;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT t.type, t.detail FROM recovery_escalation.case_timeline t
                JOIN recovery_escalation.recovery_case c ON c.id = t.case_id
                WHERE c.customer_id LIKE ? AND t.type IN ('case-opened', 'failure-attached')""")) {
            query.setString(1, customers);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Matcher failure = FAILURE.matcher(rows.getString(2));
                    takenUp.merge(failure.find() ? failure.group(2) : rows.getString(2), 1, Integer::sum);
                    attached += "failure-attached".equals(rows.getString(1)) ? 1 : 0;
                }
            }
        }
        Map<String, String> failures = new HashMap<>(); // failure ref -> customer
        inputs.complaints.forEach(complaint -> failures.put(complaint.id(), complaint.customerId()));
        inputs.commitments.stream().filter(c -> !c.fulfilled()).forEach(c -> failures.put(c.id(), c.customerId()));
        Set<String> failedCustomers = new HashSet<>(failures.values());

        line("failures (complaints, misses) taken up once: opened or attached", failures.size(),
                failures.keySet().stream().filter(ref -> takenUp.getOrDefault(ref, 0) == 1).count());
        line("recovery cases (one per failed customer; later failures attach)", failedCustomers.size(), severities.size());
        report("failures without a case", failures.keySet().stream().filter(ref -> !takenUp.containsKey(ref)));
        report("failures taken up more than once", takenUp.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey()
                + " x" + e.getValue()));
        report("failures nobody caused", takenUp.keySet().stream().filter(Predicate.not(failures::containsKey)));
        report("customers with several cases", casesPerCustomer.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()));
        summary.add(String.format("recovery: %d cases opened, %d failures attached to an open case", severities.size(), attached));
        return severities;
    }

    /** A critical case's apology waits for an agent's approval; every other case requests it when it opens. */
    private void apologies(Map<String, String> caseSeverities) {
        Map<String, Set<String>> outreachIdsPerCase = new HashMap<>();
        Map<String, Set<String>> eventIdsPerOutreach = new HashMap<>();
        for (CloudEvent event : events(Topic.OUTREACH_REQUESTS, EventType.OUTREACH_REQUESTED)) {
            OutreachRequested request = EventData.read(event, OutreachRequested.class);
            if (request.purpose() == StepKind.APOLOGY) {
                outreachIdsPerCase.computeIfAbsent(request.caseId(), id -> new HashSet<>()).add(request.outreachId());
                eventIdsPerOutreach.computeIfAbsent(request.outreachId(), id -> new HashSet<>()).add(event.id());
            }
        }
        List<String> autoSent = caseSeverities.entrySet().stream().filter(e -> !"CRITICAL".equalsIgnoreCase(e.getValue()))
                .map(Map.Entry::getKey).toList();
        Predicate<String> once = caseId -> outreachIdsPerCase.getOrDefault(caseId, Set.of()).size() == 1
                && outreachIdsPerCase.get(caseId).stream().allMatch(id -> eventIdsPerOutreach.get(id).size() == 1);
        line("apology outreach.requested, once per case", autoSent.size(), autoSent.stream().filter(once).count());
        report("apologies not requested exactly once", autoSent.stream().filter(Predicate.not(once))
                .map(caseId -> caseId + " " + outreachIdsPerCase.getOrDefault(caseId, Set.of())));
        report("apologies for unknown cases", outreachIdsPerCase.keySet().stream().filter(Predicate.not(caseSeverities::containsKey)));
    }

    private void parkedTimers(Connection connection) throws SQLException {
        long parked = 0;
        for (String schema : Quiescence.SCHEMAS) {
            parked += count(connection, "SELECT count(*) FROM " + schema + ".timer WHERE parked");
        }
        line("timers parked after repeated failures", 0, parked);
    }

    /** Only the poisoned records are dead-lettered, by intake, each with its reason. */
    private void deadLetters() {
        for (Topic topic : DEAD_LETTERS) {
            List<ConsumerRecord<String, byte[]>> records = TopicSnapshot.read(infrastructure.bootstrapServers(), topic.topicName());
            // A record whose offset commit was lost (a rebalance after a broker outage) is read again and dead-lettered
            // again: dead letters are at least once, and a replay applies the event once. Count the records, not copies.
            long distinct = records.stream().map(Checker::origin).distinct().count();
            line("records dead-lettered to " + topic.topicName(), topic == Topic.CRM_EVENTS_DLQ ? inputs.poisoned.size() : 0,
                    distinct);
            if (records.size() > distinct) {
                summary.add(String.format("%s: %d dead letters written again for a record read again after a rebalance",
                        topic.topicName(), records.size() - distinct));
            }
            report("dead letters on " + topic.topicName() + " without a reason", records.stream()
                    .filter(record -> TopicReader.header(record, DeadLetterHeaders.REASON) == null)
                    .map(record -> record.key() + "@" + TopicReader.header(record, DeadLetterHeaders.OFFSET)));
        }
        Set<String> poisonedCustomers = new HashSet<>();
        inputs.poisoned.forEach(poison -> poisonedCustomers.add(poison.customerId()));
        long deadLettered = TopicSnapshot.read(infrastructure.bootstrapServers(), Topic.CRM_EVENTS_DLQ.topicName()).stream()
                .filter(record -> poisonedCustomers.contains(record.key())).map(Checker::origin).distinct().count();
        line("poisoned records dead-lettered by intake", inputs.poisoned.size(), deadLettered);
    }

    /** Where a dead letter came from: the original record's topic, partition and offset. */
    private static String origin(ConsumerRecord<String, byte[]> deadLetter) {
        return TopicReader.header(deadLetter, DeadLetterHeaders.TOPIC) + "-"
                + TopicReader.header(deadLetter, DeadLetterHeaders.PARTITION) + "@"
                + TopicReader.header(deadLetter, DeadLetterHeaders.OFFSET);
    }

    /** The same CloudEvents id on an output topic more than once: a consumer that is not idempotent acts on it twice. */
    private void republished(Chaos.Checks checks) {
        for (Topic topic : OUTPUTS.keySet().stream().sorted().toList()) {
            Map<String, Integer> copies = new HashMap<>();
            snapshot(topic).forEach(record -> copies.merge(TopicReader.header(record, "ce_id"), 1, Integer::sum));
            long extra = copies.values().stream().mapToLong(n -> n - 1).sum();
            boolean resendsAllowed = !faultsMode
                    && (checks.servicesKilled.contains(OUTPUTS.get(topic)) || checks.infrastructureKilled);
            if (!resendsAllowed) {
                line("records published again under the same id on " + topic.topicName(), 0, extra);
                report("ids published more than once on " + topic.topicName(), copies.entrySet().stream()
                        .filter(e -> e.getValue() > 1).map(e -> e.getKey() + " x" + e.getValue()));
            } else {
                summary.add(String.format("%s: %d records for %d distinct ids (re-sends after a relay or the broker was killed)",
                        topic.topicName(), copies.size() + extra, copies.size()));
            }
        }
    }

    private void hostileRequests(List<HostileRequests.Answer> answers) {
        if (answers.isEmpty()) {
            return;
        }
        line("hostile requests refused with 4xx problem+json", answers.size(),
                answers.stream().filter(HostileRequests.Answer::refusedProperly).count());
        report("hostile requests not refused properly", answers.stream()
                .filter(answer -> !answer.refusedProperly()).map(HostileRequests.Answer::toString));
    }

    /** Each output topic keeps every customer's order: see {@link CustomerOrder}. */
    private void order() {
        Map<String, List<CustomerOrder.Published>> intake = CustomerOrder.perCustomer(snapshot(Topic.INTAKE_EVENTS));
        Map<String, List<CustomerOrder.Published>> promises = CustomerOrder.perCustomer(snapshot(Topic.PROMISE_EVENTS));
        Map<String, List<CustomerOrder.Published>> recovery = CustomerOrder.perCustomer(snapshot(Topic.RECOVERY_EVENTS));
        Map<String, List<CustomerOrder.Published>> outreach = CustomerOrder.perCustomer(snapshot(Topic.OUTREACH_REQUESTS));
        Map<String, List<CustomerOrder.Published>> loyalty = CustomerOrder.perCustomer(snapshot(Topic.LOYALTY_EVENTS));
        orderLine("intake.events: customers whose CRM events are out of the CRM's send order",
                CustomerOrder.intake(intake, inputs.sentPerCustomer));
        orderLine("promise.events: promises whose events break their life or precede their commitment",
                CustomerOrder.promises(promises, intake));
        orderLine("recovery.events: case events before their case-opened", CustomerOrder.cases(recovery));
        orderLine("outreach.requests: requests of no opened case, or back in time for their customer",
                CustomerOrder.outreach(outreach, recovery));
        orderLine("loyalty.events: events whose time goes back for their customer", CustomerOrder.loyalty(loyalty));
        summary.add(String.format("order checked on %d intake, %d promise, %d recovery, %d outreach, %d loyalty events",
                size(intake), size(promises), size(recovery), size(outreach), size(loyalty)));
    }

    private void orderLine(String what, List<String> offenders) {
        line(what, 0, offenders.size());
        report(what, offenders.stream());
    }

    private static long size(Map<String, List<CustomerOrder.Published>> perCustomer) {
        return perCustomer.values().stream().mapToLong(List::size).sum();
    }

    /**
     * No replica met a deadlock: none in any service log of the run, and, where PostgreSQL ran through the whole run
     * (its statistics survive only that), none in {@code pg_stat_database}.
     */
    private void deadlocks(Chaos.Checks checks) throws SQLException, IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.filter(file -> file.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                for (int i = 0; i < lines.size(); i++) {
                    if (DEADLOCK.matcher(lines.get(i)).find()) {
                        found.add(log.getFileName() + ":" + (i + 1) + " " + lines.get(i).strip());
                    }
                }
            }
        }
        line("log lines reporting a deadlock (deadlock detected, 40P01)", 0, found.size());
        report("deadlocks in the service logs", found.stream());
        if (checks.postgresRestarted) {
            summary.add("pg_stat_database.deadlocks not compared: PostgreSQL was killed during the run");
        } else {
            line("deadlocks PostgreSQL broke during the run (pg_stat_database)", 0,
                    databaseDeadlocks(infrastructure) - checks.deadlocksAtStart);
        }
    }

    /** This run's records of an output topic, read once. */
    private List<ConsumerRecord<String, byte[]>> snapshot(Topic topic) {
        return snapshots.computeIfAbsent(topic, t -> TopicSnapshot.read(infrastructure.bootstrapServers(), t.topicName())
                .stream().filter(record -> record.key() != null && record.key().startsWith(inputs.run + "-")).toList());
    }

    /** This run's events of one type on a topic. */
    private List<CloudEvent> events(Topic topic, EventType type) {
        return snapshot(topic).stream()
                .map(TopicReader::cloudEvent)
                .filter(event -> type.type().equals(event.type()))
                .toList();
    }

    private void line(String effect, long expected, long found) {
        lines.add(new Reconciliation.Line(effect, expected, found));
    }

    private void report(String what, Stream<String> offenders) {
        List<String> all = offenders.toList();
        if (!all.isEmpty()) {
            problems.add(what + " (" + all.size() + "): " + all.subList(0, Math.min(EXAMPLES, all.size()))
                    + (all.size() > EXAMPLES ? " ..." : ""));
        }
    }

    private static long count(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
