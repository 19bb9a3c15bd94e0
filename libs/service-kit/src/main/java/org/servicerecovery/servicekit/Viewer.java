package org.servicerecovery.servicekit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * What a caller may see of team-owned work (promises, cases): an admin everything; a supervisor their team's; an agent
 * their team's and whatever is theirs ({@code user}: the owner or assignee). A viewer with neither sees nothing.
 */
public record Viewer(boolean all, String user, String team) {

    public static Viewer everything() {
        return new Viewer(true, null, null);
    }

    public static Viewer of(JsonWebToken token) {
        String team = Roles.team(token);
        if (token.getGroups().contains(Roles.ADMIN)) {
            return everything();
        }
        if (token.getGroups().contains(Roles.AGENT)) {
            return new Viewer(false, token.getSubject(), team);
        }
        return new Viewer(false, null, team);
    }

    public boolean sees(String itemTeam, String itemUser) {
        return all || (team != null && team.equals(itemTeam)) || (user != null && user.equals(itemUser));
    }

    /**
     * The same rule as a query condition on the columns {@code teamColumn} and {@code userColumn}, its parameters
     * added to {@code params}.
     */
    public String condition(String teamColumn, String userColumn, Map<String, Object> params) {
        if (all) {
            return "1 = 1";
        }
        List<String> any = new ArrayList<>();
        if (user != null) {
            any.add(userColumn + " = :viewerUser");
            params.put("viewerUser", user);
        }
        if (team != null) {
            any.add(teamColumn + " = :viewerTeam");
            params.put("viewerTeam", team);
        }
        return any.isEmpty() ? "1 = 0" : "(" + String.join(" or ", any) + ")";
    }
}
