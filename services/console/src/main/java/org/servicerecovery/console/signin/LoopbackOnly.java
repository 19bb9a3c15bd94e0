package org.servicerecovery.console.signin;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The demo sign-in hands out tokens to whoever asks, which is safe only for a browser on the developer's own machine.
 * A web page elsewhere can point its own domain at 127.0.0.1 (DNS rebinding) and post from the developer's browser: the
 * request then reaches the console with that domain in {@code Host} and its page in {@code Origin}. So both must name
 * this console on loopback ({@code 127.0.0.1}, {@code localhost} or {@code [::1]} with the console's port), and the
 * connection must come from loopback.
 */
final class LoopbackOnly {

    private static final Set<String> NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private LoopbackOnly() {
    }

    /** Why the request may not sign in, or empty when it may. */
    static Optional<String> problem(String host, String origin, int port, boolean fromLoopback) {
        if (!fromLoopback) {
            return Optional.of("The demo sign-in answers only connections from this machine.");
        }
        if (host == null || !isThisConsole(host.trim().toLowerCase(Locale.ROOT), port)) {
            return Optional.of("The demo sign-in answers only requests for this console on loopback (Host "
                    + "127.0.0.1, localhost or [::1] with port " + port + ").");
        }
        if (origin != null && !isThisConsoleOrigin(origin.trim().toLowerCase(Locale.ROOT), port)) {
            return Optional.of("The demo sign-in answers only pages of this console on loopback (Origin "
                    + "http://localhost:" + port + " and the like).");
        }
        return Optional.empty();
    }

    private static boolean isThisConsole(String host, int port) {
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > host.lastIndexOf(']');
        String name = hasPort ? host.substring(0, colon) : host;
        String hostPort = hasPort ? host.substring(colon + 1) : null;
        return NAMES.contains(name) && (hostPort == null ? port == 80 : hostPort.equals(Integer.toString(port)));
    }

    private static boolean isThisConsoleOrigin(String origin, int port) {
        for (String scheme : new String[] {"http://", "https://"}) {
            if (origin.startsWith(scheme)) {
                return isThisConsole(origin.substring(scheme.length()), port);
            }
        }
        return false;
    }
}
