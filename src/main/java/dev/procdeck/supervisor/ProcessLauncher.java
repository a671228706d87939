package dev.procdeck.supervisor;

import java.io.IOException;

/** Launches children, each in a new session and process group. Faked in tests. */
public interface ProcessLauncher {
    LaunchedProcess launch(LaunchSpec spec) throws IOException;
}
