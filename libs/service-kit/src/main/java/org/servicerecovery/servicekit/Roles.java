package org.servicerecovery.servicekit;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** The roles carried in a token's {@code groups} claim, and the claim naming an agent's or supervisor's team. */
public final class Roles {

    public static final String AGENT = "agent";
    public static final String SUPERVISOR = "supervisor";
    public static final String ADMIN = "admin";
    public static final String CRM = "crm";
    public static final String TEAM_CLAIM = "team";

    private Roles() {
    }

    /** The caller's team, null without one. {@link TokenClaimsCheck} has refused tokens whose team is not a string. */
    public static String team(JsonWebToken token) {
        return token.getClaim(TEAM_CLAIM) instanceof String team ? team : null;
    }
}
