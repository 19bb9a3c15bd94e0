package org.servicerecovery.console.signin;

import java.util.List;
import java.util.Optional;

import org.servicerecovery.servicekit.Roles;

import io.quarkus.qute.TemplateData;

/** The people of a local run: two agents of different teams (to see access control), a supervisor, an admin. */
@TemplateData
public record DemoUser(String name, String role, String team, String description) {

    public static final List<DemoUser> ALL = List.of(
            new DemoUser("alice", Roles.AGENT, "blue", "agent, team blue"),
            new DemoUser("rita", Roles.AGENT, "red", "agent, team red"),
            new DemoUser("sam", Roles.SUPERVISOR, "blue", "supervisor, team blue"),
            new DemoUser("admin", Roles.ADMIN, null, "administrator, all teams"));

    public static Optional<DemoUser> named(String name) {
        return ALL.stream().filter(user -> user.name().equals(name)).findFirst();
    }
}
