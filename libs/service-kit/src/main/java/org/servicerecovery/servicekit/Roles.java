package org.servicerecovery.servicekit;

/** The roles carried in a token's {@code groups} claim, and the claim naming an agent's or supervisor's team. */
public final class Roles {

    public static final String AGENT = "agent";
    public static final String SUPERVISOR = "supervisor";
    public static final String ADMIN = "admin";
    public static final String CRM = "crm";
    public static final String TEAM_CLAIM = "team";

    private Roles() {
    }
}
