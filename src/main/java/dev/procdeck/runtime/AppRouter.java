package dev.procdeck.runtime;

import dev.procdeck.logs.LogBus;
import dev.procdeck.logs.LogLine;
import dev.procdeck.os.PortOwners;
import dev.procdeck.os.ProcFs;
import dev.procdeck.procfile.RouterConfig;
import dev.procdeck.router.Rotation;
import dev.procdeck.router.Router;
import dev.procdeck.supervisor.Supervisor;
import java.util.Optional;

/**
 * The router of one run: its rotation follows the supervisor from the first event and drains instances before their
 * stop signal; the HTTP side starts on a thread of its own (loading the HTTP engine and binding the port are I/O,
 * never for the FX thread). When the port is taken the run goes on without it, and says so.
 */
final class AppRouter implements AutoCloseable {
    /** Where the router listens: this machine only, as the instances' own ports are meant to be used. */
    static final String HOST = "127.0.0.1";

    private final Rotation rotation;
    private final Router.Settings settings;
    private volatile Router router;
    private volatile boolean closed;

    private AppRouter(Rotation rotation, Router.Settings settings) {
        this.rotation = rotation;
        this.settings = settings;
    }

    /** The router for {@code supervisor}'s project, if it has a routed type and routing is on; else empty. */
    static Optional<AppRouter> attach(Supervisor supervisor, LogBus bus) {
        Optional<String> type = supervisor.routedType();
        if (type.isEmpty()) {
            return Optional.empty();
        }
        RouterConfig config = supervisor.project().config().router();
        Rotation rotation = new Rotation(type.get(), config.drainTimeout(), bus);
        supervisor.addListener(rotation);
        supervisor.setStopGate(rotation::drain);
        int port = supervisor.settings().basePort();
        AppRouter app = new AppRouter(rotation,
                new Router.Settings(type.get(), HOST, port, config.requestTimeout(), config.drainTimeout(),
                        Router.maxConnections(ProcFs.maxOpenFiles().orElse(Long.MAX_VALUE))));
        Thread t = new Thread(() -> app.listen(bus), "procdeck-router-start");
        t.setDaemon(true);
        t.start();
        return Optional.of(app);
    }

    private void listen(LogBus bus) {
        String type = settings.type();
        try {
            Router r = Router.start(settings, rotation, bus);
            synchronized (this) {
                if (closed) {
                    r.close();
                    return;
                }
                router = r;
            }
            bus.event(LogLine.PROCDECK, "router: " + r.url() + " → " + type + " (round-robin over its ready"
                    + " instances, which listen on " + (settings.port() + 1) + " and up; Heroku's request log as"
                    + " source router)");
        } catch (RuntimeException e) {
            String holder = PortOwners.of(settings.port()).filter(PortOwners.Listeners::any)
                    .map(l -> "; it is held by " + l.describe()).orElse("");
            bus.event(LogLine.PROCDECK, "router: cannot listen on port " + settings.port() + " (" + e.getMessage()
                    + holder + "); running without it: " + type + " instances listen on " + (settings.port() + 1)
                    + " and up. Free the port, use -p, or set router: off in procdeck.yml");
        }
    }

    /** The router's figures, once it listens. */
    Optional<Router.Figures> figures(int seconds) {
        Router r = router;
        return r == null ? Optional.empty() : Optional.of(r.figures(seconds));
    }

    Optional<String> url() {
        Router r = router;
        return r == null ? Optional.empty() : Optional.of(r.url());
    }

    /** After the supervisor has stopped everything: no instance needs the rotation any more. */
    @Override
    public void close() {
        Router r;
        synchronized (this) {
            closed = true;
            r = router;
            router = null;
        }
        if (r != null) {
            r.close();
        }
        rotation.close();
    }
}
