package dev.procdeck.export;

import java.util.Optional;

/**
 * What stands in for procdeck's router where the service managers run the app: they start processes but route
 * nothing, so a reverse proxy belongs in front of the routed type. Exports for them say so once, with an nginx
 * {@code upstream} for its instances' ports to paste into the site's configuration.
 */
final class ReverseProxy {
    private ReverseProxy() {
    }

    /** The routed type (procdeck.yml's {@code router:}, else web) when it runs here, with at least one instance. */
    static Optional<TypePlan> routed(AppPlan plan) {
        var config = plan.project.config();
        return config.router().routedType(plan.project.procfile(), config)
                .flatMap(name -> plan.types.stream().filter(t -> t.name().equals(name) && !t.scheduled()
                        && t.scale() > 0).findFirst());
    }

    /** The one note for {@code manager}, with the nginx configuration; nothing without a routed type. */
    static void advise(AppPlan plan, String manager) {
        routed(plan).ifPresent(type -> {
            StringBuilder ports = new StringBuilder();
            for (int n = 1; n <= type.scale(); n++) {
                ports.append(n == 1 ? "" : ", ").append(type.port(n));
            }
            plan.notes.add(manager + ": " + type.name() + " runs behind procdeck's router locally; " + manager
                    + " routes nothing, so put a reverse proxy in front of its " + type.scale() + " instance"
                    + (type.scale() == 1 ? "" : "s") + " (port" + (type.scale() == 1 ? " " : "s ") + ports
                    + "). For nginx:\n" + upstream(plan, type));
        });
    }

    static String upstream(AppPlan plan, TypePlan type) {
        StringBuilder b = new StringBuilder();
        b.append("# nginx: the ").append(type.name()).append(" instances of ").append(plan.app)
                .append(", as procdeck's router spreads requests over them.\n")
                .append("# Include it in the http block, and proxy to it from a server block:\n")
                .append("#   location / {\n")
                .append("#     proxy_pass http://").append(plan.app).append("_").append(type.name()).append(";\n")
                .append("#     proxy_http_version 1.1;\n")
                .append("#     proxy_set_header Connection \"\";\n")
                .append("#     proxy_set_header Host $host;\n")
                .append("#     proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
                .append("#     proxy_set_header X-Forwarded-Proto $scheme;\n")
                .append("#     proxy_set_header X-Request-Id $request_id;\n")
                .append("#   }\n")
                .append("upstream ").append(plan.app).append("_").append(type.name()).append(" {\n");
        for (int n = 1; n <= type.scale(); n++) {
            b.append("    server 127.0.0.1:").append(type.port(n)).append(";  # ").append(type.dyno(n)).append('\n');
        }
        b.append("    keepalive 32;\n}\n");
        return b.toString();
    }
}
