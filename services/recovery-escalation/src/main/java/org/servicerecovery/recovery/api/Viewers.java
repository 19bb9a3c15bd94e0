package org.servicerecovery.recovery.api;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.recovery.persistence.Viewer;
import org.servicerecovery.servicekit.Roles;

/** Agent: their team's cases and the ones assigned to them; supervisor: their team's; admin: all. */
final class Viewers {

    private Viewers() {
    }

    static Viewer of(JsonWebToken token) {
        String team = token.getClaim(Roles.TEAM_CLAIM);
        if (token.getGroups().contains(Roles.ADMIN)) {
            return Viewer.everything();
        }
        if (token.getGroups().contains(Roles.AGENT)) {
            return new Viewer(false, token.getSubject(), team);
        }
        return new Viewer(false, null, team);
    }
}
