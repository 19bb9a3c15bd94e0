package org.servicerecovery.recovery.persistence;

import org.servicerecovery.recovery.domain.RecoveryCase;

/**
 * Which cases a caller may see: all of them, or those of {@code team} or assigned to {@code user} (either may be null).
 * A viewer with neither sees nothing.
 */
public record Viewer(boolean all, String user, String team) {

    public static Viewer everything() {
        return new Viewer(true, null, null);
    }

    public boolean sees(RecoveryCase recoveryCase) {
        return all || (team != null && team.equals(recoveryCase.team()))
                || (user != null && user.equals(recoveryCase.assignee()));
    }
}
