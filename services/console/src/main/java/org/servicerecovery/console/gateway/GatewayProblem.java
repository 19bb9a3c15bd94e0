package org.servicerecovery.console.gateway;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ConnectTimeoutException;

/**
 * RFC 9457 answer when a service cannot be reached: {@code service} names it, so neither the agent nor support has to
 * guess which of four services is down. 504 when it did not answer in time, 502 for everything else.
 */
public record GatewayProblem(URI type, String title, int status, String detail, String instance, String service) {

    private static final String TYPE_BASE = "https://service-recovery.org/problems/";

    public static GatewayProblem of(Route route, Throwable failure, String instance) {
        if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException) {
            return new GatewayProblem(URI.create(TYPE_BASE + "service-timeout"), "Gateway Timeout", 504,
                    route.service() + " did not answer in time; try again in a moment.", instance, route.service());
        }
        String reason = failure instanceof ConnectException || failure instanceof UnknownHostException
                ? " is unavailable (no connection)." : " failed to answer (" + failure.getClass().getSimpleName() + ").";
        return new GatewayProblem(URI.create(TYPE_BASE + "service-unavailable"), "Bad Gateway", 502,
                route.service() + reason, instance, route.service());
    }
}
