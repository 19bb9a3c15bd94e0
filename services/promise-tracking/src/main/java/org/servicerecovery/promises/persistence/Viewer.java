package org.servicerecovery.promises.persistence;

/**
 * Which promises a caller may see: all of them, or those owned by {@code owner} or belonging to {@code team}
 * (either may be null). A viewer with neither sees nothing.
 */
public record Viewer(boolean all, String owner, String team) {

    public static Viewer everything() {
        return new Viewer(true, null, null);
    }
}
