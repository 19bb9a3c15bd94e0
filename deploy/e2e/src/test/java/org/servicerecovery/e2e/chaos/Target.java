package org.servicerecovery.e2e.chaos;

import java.util.ArrayList;
import java.util.List;

import org.servicerecovery.e2e.Service;

/** What a chaos cycle can kill: one replica of a data service, the Kafka broker or PostgreSQL. */
sealed interface Target permits Target.Replica, Target.Infrastructure {

    /** Replica {@code index} (from 0) of {@code service}; its sibling replicas keep running while it is down. */
    record Replica(Service service, int index) implements Target {
        @Override
        public String toString() {
            return service.directory + "#" + index;
        }
    }

    enum Infrastructure implements Target {
        KAFKA, POSTGRES
    }

    /** Every replica of every service, then the broker and PostgreSQL. */
    static List<Target> all(int replicas) {
        List<Target> all = new ArrayList<>(replicas(replicas));
        all.addAll(List.of(Infrastructure.values()));
        return all;
    }

    /** Every replica of every service, service by service. */
    static List<Replica> replicas(int replicas) {
        List<Replica> all = new ArrayList<>();
        for (Service service : Service.values()) {
            for (int index = 0; index < replicas; index++) {
                all.add(new Replica(service, index));
            }
        }
        return all;
    }
}
