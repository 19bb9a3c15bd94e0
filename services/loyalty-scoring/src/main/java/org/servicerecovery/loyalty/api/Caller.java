package org.servicerecovery.loyalty.api;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.servicekit.Roles;

/** Who asks: an admin sees every customer; agents and supervisors the customers of their own team. */
record Caller(boolean admin, String team) {

    static Caller of(JsonWebToken token) {
        return new Caller(token.getGroups().contains(Roles.ADMIN), Roles.team(token));
    }

    boolean maySee(String customerTeam) {
        return admin || (team != null && team.equals(customerTeam));
    }

    /** The team a list is restricted to: the requested one for an admin, always the caller's own otherwise. */
    String teamFilter(String requested) {
        if (admin) {
            return requested;
        }
        if (requested != null && !requested.equals(team)) {
            throw new jakarta.ws.rs.ForbiddenException("Only your own team's customers (" + team + ") are visible to you.");
        }
        if (team == null) {
            throw new jakarta.ws.rs.ForbiddenException("Your token names no team.");
        }
        return team;
    }
}
