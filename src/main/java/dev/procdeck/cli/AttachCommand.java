package dev.procdeck.cli;

import dev.procdeck.runtime.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procdeck attach}: opens the dashboard on a procdeck that already runs (a headless {@code procdeck start}
 * in another terminal, or one on another machine through {@code --socket} and {@code ssh -L}). The window drives
 * it through its control socket and owns none of its processes: closing it leaves them running.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Opens the dashboard on a running procdeck and drives it through its control socket.",
            "Closing the window leaves its processes running.",
            "From another machine: ssh -N -L /tmp/app.sock:REMOTE_SOCKET host, then procdeck attach --socket"
                + " /tmp/app.sock (REMOTE_SOCKET is the \"socket\" field of procdeck ps --json there)."})
final class AttachCommand extends ControlCommand {
    @ParentCommand
    ProcdeckCommand parent;

    @Override
    int run(ControlClient.Target target) {
        return ProcdeckCommand.openDashboard(new String[] {"--attach=" + target.socket()}, parent.dashboard());
    }
}
