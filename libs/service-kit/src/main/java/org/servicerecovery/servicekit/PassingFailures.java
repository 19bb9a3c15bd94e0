package org.servicerecovery.servicekit;

/**
 * Tells a failure that passes by itself (a dependency briefly unavailable, such as a database restarting) from a bug.
 * The first is answered 503 with {@code Retry-After}, so callers retry; the second 500. A library that knows such
 * failures provides a bean.
 */
public interface PassingFailures {

    boolean isPassing(Throwable failure);
}
