package dev.procdeck.cli;

/**
 * Ends procdeck at once when an {@link OutOfMemoryError} reaches the top of any thread, as
 * {@code -XX:+ExitOnOutOfMemoryError} does (bin/procdeck, the package's launchers and {@code javafx:run} pass it)
 * for a JVM started without that flag ({@code java -jar procdeck.jar}, an IDE). Otherwise the thread that
 * ran out would die alone and the rest carry on half alive: readers no longer read, or the supervision thread
 * gone while the window still shows the formation. Exiting hands the children to the watchdog, which stops
 * every instance as after a SIGKILL; exit code 3, the flag's.
 *
 * <p>Other uncaught exceptions are printed as the JVM prints them.
 */
public final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {
    /** The exit code of {@code -XX:+ExitOnOutOfMemoryError}. */
    public static final int EXIT_CODE = 3;

    private OutOfMemoryExit() {
    }

    /** Installs the handler for every thread that has none of its own. */
    public static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new OutOfMemoryExit());
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        if (e instanceof OutOfMemoryError) {
            try {
                System.err.println("procdeck: out of memory in thread " + thread.getName() + " (" + e.getMessage()
                        + "); exiting, the watchdog stops every instance");
                System.err.flush();
            } catch (Throwable ignored) {
                // Saying why is best effort; exiting is not.
            }
            Runtime.getRuntime().halt(EXIT_CODE); // no shutdown hooks: they may need memory there is none of
        }
        System.err.print("Exception in thread \"" + thread.getName() + "\" ");
        e.printStackTrace(System.err);
    }
}
