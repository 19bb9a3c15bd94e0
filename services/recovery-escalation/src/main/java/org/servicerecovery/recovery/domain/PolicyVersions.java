package org.servicerecovery.recovery.domain;

import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every version of the recovery policy, numbered from 1. New cases use the latest; a running case asks for the version
 * it opened with, which never changes once published.
 */
public final class PolicyVersions {

    private final NavigableMap<Integer, Policy> versions = new ConcurrentSkipListMap<>();

    public PolicyVersions(List<Policy> known) {
        known.forEach(policy -> versions.put(policy.version(), policy));
    }

    public Policy latest() {
        return versions.lastEntry().getValue();
    }

    public Optional<Policy> version(int version) {
        return Optional.ofNullable(versions.get(version));
    }

    /** Adds a version; it must be the next number, so two publishers cannot both make "version 3". */
    public void add(Policy policy) {
        int expected = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        if (policy.version() != expected) {
            throw new IllegalArgumentException("the next policy version is " + expected + ", not " + policy.version());
        }
        versions.put(policy.version(), policy);
    }

    public List<Policy> all() {
        return List.copyOf(versions.values());
    }
}
