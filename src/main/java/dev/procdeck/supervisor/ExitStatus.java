package dev.procdeck.supervisor;

/**
 * How a process ended, as the JDK reports it: an exit code, where codes above 128 mean death by signal
 * (code - 128), the shell convention that both the JDK and {@code sh -c} follow.
 */
public record ExitStatus(int code) {
    private static final String[] SIGNALS = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM"};

    public boolean success() {
        return code == 0;
    }

    /** The signal number if the code says the process was killed by one, else 0. */
    public int signal() {
        return code > 128 && code < 128 + 32 ? code - 128 : 0;
    }

    public String describe() {
        if (code == 127) {
            return "exit code 127 (command not found)";
        }
        if (code == 126) {
            return "exit code 126 (command not executable)";
        }
        int sig = signal();
        if (sig > 0) {
            String name = sig < SIGNALS.length ? "SIG" + SIGNALS[sig] : "signal " + sig;
            return name + " (exit code " + code + ")";
        }
        return "exit code " + code;
    }

    @Override
    public String toString() {
        return describe();
    }
}
