package org.servicerecovery.e2e.chaos;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.testing.TopicReader;

/**
 * Per-customer order on the output topics: a customer's events appear in the order their causes happened. Every topic
 * is keyed by customer id, so a customer's records sit in one partition and their offsets are the order readers see.
 * A record published again under the same CloudEvents id counts at its first offset: readers skip the copy.
 * Across topics, the Kafka record timestamps (set by each producer when it sends) order a cause before its effect.
 */
final class CustomerOrder {

    /** One published event: its first record's producer timestamp and the event. */
    record Published(long timestamp, CloudEvent event) {
        String data(String field) {
            return event.data().path(field).asText();
        }
    }

    private CustomerOrder() {
    }

    /**
     * The distinct events of each key in offset order, first copies only. {@code records} is a topic snapshot in
     * per-partition offset order.
     */
    static Map<String, List<Published>> perCustomer(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<Published>> perCustomer = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (seen.add(TopicReader.header(record, "ce_id"))) {
                perCustomer.computeIfAbsent(record.key(), key -> new ArrayList<>())
                        .add(new Published(record.timestamp(), TopicReader.cloudEvent(record)));
            }
        }
        return perCustomer;
    }

    /** intake.events: each customer's CRM events in the order the CRM sent them. */
    static List<String> intake(Map<String, List<Published>> intakeEvents, Map<String, List<String>> sentPerCustomer) {
        List<String> offenders = new ArrayList<>();
        intakeEvents.forEach((customer, events) -> {
            List<String> published = events.stream().map(p -> p.event().id()).toList();
            Set<String> present = new HashSet<>(published);
            List<String> sent = sentPerCustomer.getOrDefault(customer, List.of()).stream().filter(present::contains).toList();
            if (!sent.equals(published.stream().filter(new HashSet<>(sent)::contains).toList())) {
                offenders.add(customer + " sent " + sent + ", published " + published);
            }
        });
        return offenders;
    }

    /**
     * promise.events: each promise's events follow its commitment.made on intake.events and its life: warnings and
     * reschedules while pending, then at most one outcome; after a miss only a reschedule, a late fulfilment, or a
     * kept with its retraction of the miss; after kept, fulfilled-late or cancelled nothing.
     */
    static List<String> promises(Map<String, List<Published>> promiseEvents, Map<String, List<Published>> intakeEvents) {
        Map<String, Long> made = new HashMap<>();
        intakeEvents.values().forEach(events -> events.stream()
                .filter(p -> EventType.COMMITMENT_MADE.type().equals(p.event().type()))
                .forEach(p -> made.putIfAbsent(p.data("commitmentId"), p.timestamp())));
        List<String> offenders = new ArrayList<>();
        for (List<Published> events : promiseEvents.values()) {
            Map<String, List<Published>> perPromise = new LinkedHashMap<>();
            events.forEach(p -> perPromise.computeIfAbsent(p.data("promiseId"), id -> new ArrayList<>()).add(p));
            perPromise.forEach((promise, life) -> {
                Long madeAt = made.get(promise);
                if (madeAt == null || life.get(0).timestamp() < madeAt) {
                    offenders.add(promise + ": " + life.get(0).event().type() + " before its commitment.made on intake.events");
                }
                String broken = PromiseLife.brokenAt(life.stream().map(p -> p.event().type()).toList());
                if (broken != null) {
                    offenders.add(promise + ": " + broken);
                }
            });
        }
        return offenders;
    }

    /** recovery.events: each case's case-opened before its other events. */
    static List<String> cases(Map<String, List<Published>> recoveryEvents) {
        List<String> offenders = new ArrayList<>();
        for (List<Published> events : recoveryEvents.values()) {
            Set<String> opened = new HashSet<>();
            for (Published p : events) {
                String caseId = p.data("caseId");
                if (EventType.RECOVERY_CASE_OPENED.type().equals(p.event().type())) {
                    opened.add(caseId);
                } else if (!opened.contains(caseId)) {
                    offenders.add(caseId + ": " + p.event().type() + " before recovery.case-opened");
                }
            }
        }
        return offenders;
    }

    /**
     * outreach.requests: each request belongs to a case opened on recovery.events, and a customer's requests never go
     * back in time. Not compared with the case-opened's position: the two are written in one transaction to two topics,
     * and Kafka orders records within a partition only, so a request may reach its topic before the case-opened.
     */
    static List<String> outreach(Map<String, List<Published>> outreachRequests, Map<String, List<Published>> recoveryEvents) {
        Set<String> opened = new HashSet<>();
        recoveryEvents.values().forEach(events -> events.stream()
                .filter(p -> EventType.RECOVERY_CASE_OPENED.type().equals(p.event().type()))
                .forEach(p -> opened.add(p.data("caseId"))));
        List<String> offenders = new ArrayList<>();
        outreachRequests.values().forEach(events -> events.stream().filter(p -> !opened.contains(p.data("caseId")))
                .forEach(p -> offenders.add(p.data("outreachId") + " of case " + p.data("caseId")
                        + " that was never opened on recovery.events")));
        offenders.addAll(timeNeverGoesBack(outreachRequests));
        return offenders;
    }

    /** loyalty.events: each customer's event {@code time} never goes backwards. */
    static List<String> loyalty(Map<String, List<Published>> loyaltyEvents) {
        return timeNeverGoesBack(loyaltyEvents);
    }

    private static List<String> timeNeverGoesBack(Map<String, List<Published>> perCustomer) {
        List<String> offenders = new ArrayList<>();
        perCustomer.forEach((customer, events) -> {
            OffsetDateTime latest = null;
            for (Published p : events) {
                OffsetDateTime time = p.event().time();
                if (latest != null && time.isBefore(latest)) {
                    offenders.add(customer + ": " + p.event().id() + " at " + time + " after one at " + latest);
                }
                latest = latest == null || time.isAfter(latest) ? time : latest;
            }
        });
        return offenders;
    }

    /** The states of a promise as its events tell them. */
    private enum PromiseLife {
        PENDING, MISSED, KEPT_AFTER_MISS, SETTLED;

        /** Where {@code types} break a promise's life, or null if they do not. */
        static String brokenAt(List<String> types) {
            PromiseLife state = PENDING;
            for (int i = 0; i < types.size(); i++) {
                PromiseLife next = state.after(types.get(i));
                if (next == null) {
                    return types.get(i) + " after " + types.subList(0, i);
                }
                state = next;
            }
            return state == KEPT_AFTER_MISS ? "kept after a miss without promise.miss-retracted: " + types : null;
        }

        private PromiseLife after(String type) {
            EventType event = EventType.fromType(type).orElse(null);
            if (event == null) {
                return null;
            }
            return switch (this) {
                case PENDING -> switch (event) {
                    case PROMISE_AT_RISK, PROMISE_RESCHEDULED -> PENDING;
                    case PROMISE_MISSED -> MISSED;
                    case PROMISE_KEPT, PROMISE_CANCELLED -> SETTLED;
                    default -> null;
                };
                case MISSED -> switch (event) {
                    case PROMISE_RESCHEDULED -> MISSED;
                    case PROMISE_FULFILLED_LATE -> SETTLED;
                    case PROMISE_KEPT -> KEPT_AFTER_MISS;
                    default -> null;
                };
                case KEPT_AFTER_MISS -> event == EventType.PROMISE_MISS_RETRACTED ? SETTLED : null;
                case SETTLED -> null;
            };
        }
    }
}
