package dev.procdeck.export;

import dev.procdeck.procfile.CronSchedule;
import dev.procdeck.procfile.IntervalSchedule;
import dev.procdeck.procfile.Overlap;
import dev.procdeck.procfile.Readiness;
import dev.procdeck.procfile.RestartMode;
import dev.procdeck.procfile.Schedule;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kubernetes objects, one per file: a Deployment per long-running type ({@code replicas} = its scale), a Service
 * for each type that serves $PORT (named web, or with a readiness check on its port), a CronJob per scheduled
 * type, a Job for a type named {@code release} (Heroku's release phase), a ConfigMap of the .env values and a
 * Secret of those whose names say they are secrets. Modelled with fabric8's typed objects and written as YAML.
 */
final class KubernetesExporter {
    static final String RELEASE = "release";
    /** A CronJob's name must leave room for the 11 characters the controller appends to its Jobs. */
    private static final int MAX_NAME = 52;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KubernetesExporter() {
    }

    static ExportResult export(AppPlan plan) {
        String image = plan.options.image();
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("kubernetes export needs --image IMAGE: the container image that"
                    + " holds the app and its Procfile commands (e.g. --image registry.example.com/"
                    + plan.app + ":1.0)");
        }
        if (!image.matches("[^\\s\\p{Cntrl}]+")) {
            throw new IllegalArgumentException("image '" + image + "' contains spaces or control characters; give an"
                    + " image reference such as registry.example.com/" + plan.app + ":1.0");
        }
        if (plan.options.user() != null) {
            plan.warnings.add("kubernetes: -u " + plan.options.user() + " is not used: a pod runs as its image's user"
                    + " unless its securityContext sets runAsUser (a number)");
        }
        List<ExportedFile> files = new ArrayList<>();
        Map<String, String> configValues = new TreeMap<>();
        Map<String, String> secretValues = new TreeMap<>();
        plan.project.dotEnv().forEach((k, v) -> {
            if (plan.isSecret(k, v)) {
                secretValues.put(k, v);
            } else if (!k.equals("PORT")) { // procdeck's base port, not the app's; each serving type gets its own
                configValues.put(k, v);
            }
        });
        String configMap = plan.app + "-env";
        String secret = plan.app + "-secret";
        if (!configValues.isEmpty()) {
            files.add(file(configMap + "-configmap.yaml", new ConfigMapBuilder()
                    .withMetadata(meta(plan, configMap, null)).withData(configValues).build(), false));
        }
        if (!secretValues.isEmpty()) {
            files.add(file(secret + "-secret.yaml", new SecretBuilder()
                    .withMetadata(meta(plan, secret, null)).withType("Opaque").withStringData(secretValues).build(), true));
        }
        Map<String, String> seen = new HashMap<>();
        for (TypePlan type : plan.types) {
            if (type.scheduled()) {
                try {
                    cronLine(type.schedule());
                } catch (IllegalArgumentException e) {
                    // One schedule a CronJob cannot express must not cost the whole export.
                    plan.warnings.add("kubernetes: " + type.name() + " is left out: " + e.getMessage());
                    continue;
                }
            }
            Readiness ready = type.config().ready();
            if (ready != null && ready.kind() == Readiness.Kind.LOG && type.scale() > 0) {
                plan.warnings.add("kubernetes: " + type.name() + "'s readiness check (ready: log) is not exported:"
                        + " probes check ports, HTTP and commands, not a container's output");
            }
            String component = component(plan, type, seen);
            String name = plan.app + "-" + component;
            List<EnvFromSource> envFrom = new ArrayList<>();
            if (!configValues.isEmpty()) {
                envFrom.add(new EnvFromSourceBuilder().withNewConfigMapRef().withName(configMap).endConfigMapRef().build());
            }
            if (!secretValues.isEmpty()) {
                envFrom.add(new EnvFromSourceBuilder().withNewSecretRef().withName(secret).endSecretRef().build());
            }
            Map<String, String> typeSecrets = new TreeMap<>();
            type.config().env().forEach((k, v) -> {
                if (plan.isSecret(k, v)) {
                    typeSecrets.put(k, v);
                }
            });
            if (!typeSecrets.isEmpty()) {
                String typeSecret = name + "-secret";
                files.add(file(typeSecret + "-secret.yaml", new SecretBuilder().withMetadata(meta(plan, typeSecret, component))
                        .withType("Opaque").withStringData(typeSecrets).build(), true));
                envFrom.add(new EnvFromSourceBuilder().withNewSecretRef().withName(typeSecret).endSecretRef().build());
            }
            Container container = container(plan, type, component, envFrom);
            if (type.scheduled()) {
                files.add(file(name + "-cronjob.yaml", cronJob(plan, type, name, component, container), false));
            } else if (type.name().equals(RELEASE)) {
                if (type.scale() > 0) {
                    files.add(file(name + "-job.yaml", new JobBuilder().withMetadata(meta(plan, name, component))
                            .withNewSpec().withBackoffLimit(0)
                            .withNewTemplate().withMetadata(labelsOnly(plan, component))
                            .withSpec(pod(type, container, "Never")).endTemplate()
                            .endSpec().build(), false));
                }
            } else {
                files.add(file(name + "-deployment.yaml", new DeploymentBuilder().withMetadata(meta(plan, name, component))
                        .withNewSpec().withReplicas(type.scale())
                        .withNewSelector().withMatchLabels(labels(plan, component)).endSelector()
                        .withNewTemplate().withMetadata(labelsOnly(plan, component))
                        .withSpec(pod(type, container, null)).endTemplate()
                        .endSpec().build(), false));
                if (type.servesPort()) {
                    files.add(file(name + "-service.yaml", new ServiceBuilder().withMetadata(meta(plan, name, component))
                            .withNewSpec().withSelector(labels(plan, component))
                            .addNewPort().withName(portName(type)).withPort(type.port(1))
                            .withTargetPort(new IntOrString(portName(type))).endPort()
                            .endSpec().build(), false));
                }
                if (type.restart() != RestartMode.ALWAYS) {
                    plan.warnings.add("kubernetes: " + type.name() + " has restart: " + type.restart().spelling()
                            + ", but a Deployment always restarts its containers");
                }
            }
            if (!type.stopSignal().equals("TERM") && type.scale() > 0) {
                plan.warnings.add("kubernetes: " + type.name() + " has stop_signal " + type.stopSignal()
                        + ", but Kubernetes stops containers with SIGTERM (or the image's STOPSIGNAL)");
            }
        }
        return new ExportResult(files, plan.warnings);
    }

    /** The type's name as Kubernetes allows it in names and labels: lower case, '-' for '_'. */
    private static String component(AppPlan plan, TypePlan type, Map<String, String> seen) {
        String c = type.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (!DNS_LABEL.matcher(c).matches() || (plan.app + "-" + c).length() > MAX_NAME) {
            throw new IllegalArgumentException("kubernetes: process type '" + type.name() + "' cannot name objects ("
                    + plan.app + "-" + c + "): Kubernetes names use lower-case letters, digits and '-', start and end"
                    + " with a letter or digit and, with the app name, stay within " + MAX_NAME + " characters;"
                    + " rename the type or give a shorter -a");
        }
        String earlier = seen.put(c, type.name());
        if (earlier != null) {
            throw new IllegalArgumentException("kubernetes: process types '" + earlier + "' and '" + type.name()
                    + "' both become '" + c + "' in object names; rename one of them");
        }
        return c;
    }

    private static Container container(AppPlan plan, TypePlan type, String component, List<EnvFromSource> envFrom) {
        List<EnvVar> env = new ArrayList<>();
        if (type.servesPort()) {
            env.add(new EnvVarBuilder().withName("PORT").withValue(Integer.toString(type.port(1))).build());
        }
        // Replicas of a Deployment cannot be numbered web.1, web.2: the pod's name is the instance's name.
        for (String name : List.of("PS", "DYNO")) {
            env.add(new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        }
        new TreeMap<>(type.config().env()).forEach((k, v) -> {
            if (!plan.isSecret(k, v)) {
                env.add(new EnvVarBuilder().withName(k).withValue(v).build());
            }
        });
        ContainerBuilder c = new ContainerBuilder().withName(component).withImage(plan.options.image())
                .withCommand("sh", "-c", type.command()).withEnvFrom(envFrom).withEnv(env);
        if (type.servesPort() && !type.scheduled()) {
            c.addNewPort().withName(portName(type)).withContainerPort(type.port(1)).withProtocol("TCP").endPort();
            c.withReadinessProbe(readiness(type));
        }
        if (type.config().liveness() != null && !type.scheduled() && !type.release()) {
            c.withLivenessProbe(liveness(type));
        }
        if (type.memoryLimit() != null) {
            // Scheduled on the quota; OOM-killed (and restarted) at twice it, where procdeck restarts (Heroku's R15).
            c.withNewResources().addToRequests("memory", quantity(type.config().memory()))
                    .addToLimits("memory", quantity(type.memoryLimit())).endResources();
        }
        if (type.config().tty()) {
            c.withStdin(true).withTty(true); // tty: true, as procdeck gives it: kubectl attach -it reaches it
        }
        return c.build();
    }

    private static String portName(TypePlan type) {
        Readiness ready = type.config().ready();
        return ready != null && ready.kind() == Readiness.Kind.PORT ? "tcp" : "http";
    }

    /** httpGet for {@code ready: http}, tcpSocket otherwise (a serving type without its own check included). */
    private static Probe readiness(TypePlan type) {
        Readiness ready = type.config().ready();
        ProbeBuilder probe = new ProbeBuilder().withPeriodSeconds(5);
        if (ready != null && ready.kind() == Readiness.Kind.HTTP) {
            probe.withNewHttpGet().withPath(ready.target()).withPort(new IntOrString(portName(type))).endHttpGet();
        } else {
            probe.withNewTcpSocket().withPort(new IntOrString(portName(type))).endTcpSocket();
        }
        return probe.build();
    }

    /** httpGet, tcpSocket or exec ({@code sh -c}), with procdeck.yml's period, failures, timeout and initial_delay. */
    private static Probe liveness(TypePlan type) {
        dev.procdeck.procfile.Liveness l = type.config().liveness();
        ProbeBuilder probe = new ProbeBuilder().withPeriodSeconds(wholeSeconds(l.period()))
                .withFailureThreshold(l.failures()).withTimeoutSeconds(wholeSeconds(l.timeout()));
        if (l.initialDelay() != null) {
            probe.withInitialDelaySeconds((int) Math.min(Integer.MAX_VALUE, l.initialDelay().toSeconds()));
        }
        switch (l.kind()) {
            case HTTP -> probe.withNewHttpGet().withPath(l.target()).withPort(new IntOrString(portName(type)))
                    .endHttpGet();
            case PORT -> probe.withNewTcpSocket().withPort(new IntOrString(portName(type))).endTcpSocket();
            case EXEC -> probe.withNewExec().withCommand("sh", "-c", l.target()).endExec();
        }
        return probe.build();
    }

    /** Kubernetes counts probe times in whole seconds, at least 1: rounded up. */
    private static int wholeSeconds(java.time.Duration d) {
        long seconds = d.toSeconds() + (d.getNano() > 0 ? 1 : 0);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, seconds));
    }

    /** A memory quantity in the largest binary unit that divides it: {@code 512Mi}, {@code 1Gi}. */
    static io.fabric8.kubernetes.api.model.Quantity quantity(long bytes) {
        for (String unit : new String[] {"Ti", "Gi", "Mi", "Ki"}) {
            long size = 1L << (10 * ("KMGT".indexOf(unit.charAt(0)) + 1));
            if (bytes % size == 0) {
                return new io.fabric8.kubernetes.api.model.Quantity(Long.toString(bytes / size), unit);
            }
        }
        return new io.fabric8.kubernetes.api.model.Quantity(Long.toString(bytes));
    }

    /**
     * The 5-field cron line of a CronJob (minutes at the finest): a cron schedule as it is, an interval when it
     * repeats evenly within the hour or the day.
     */
    static String cronLine(Schedule schedule) {
        if (schedule instanceof CronSchedule cron) {
            return cron.expression();
        }
        IntervalSchedule every = (IntervalSchedule) schedule;
        long seconds = every.interval().toSeconds();
        String cannot = "'" + every.text() + "' cannot be written as a cron line, which counts whole minutes and"
                + " repeats within the hour or day: use a number of minutes that divides 60 (every 15m), of hours that"
                + " divides 24 (every 6h), or a cron expression";
        if (seconds % 60 != 0) {
            throw new IllegalArgumentException(cannot);
        }
        long minutes = seconds / 60;
        if (minutes == 1) {
            return "* * * * *";
        }
        if (minutes < 60 && 60 % minutes == 0) {
            return "*/" + minutes + " * * * *";
        }
        if (minutes % 60 == 0) {
            long hours = minutes / 60;
            if (hours == 1) {
                return "0 * * * *";
            }
            if (hours < 24 && 24 % hours == 0) {
                return "0 */" + hours + " * * *";
            }
            if (hours == 24) {
                return "0 0 * * *";
            }
        }
        throw new IllegalArgumentException(cannot);
    }

    private static PodSpec pod(TypePlan type, Container container, String restartPolicy) {
        PodSpecBuilder pod = new PodSpecBuilder().withContainers(container)
                .withTerminationGracePeriodSeconds(type.stopTimeoutSeconds());
        if (restartPolicy != null) {
            pod.withRestartPolicy(restartPolicy);
        }
        return pod.build();
    }

    private static HasMetadata cronJob(AppPlan plan, TypePlan type, String name, String component, Container container) {
        String cron;
        try {
            cron = cronLine(type.schedule());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kubernetes: schedule of '" + type.name() + "': " + e.getMessage(), e);
        }
        Overlap overlap = type.config().overlap();
        if (overlap == Overlap.QUEUE) {
            plan.warnings.add("kubernetes: " + type.name() + " has overlap: queue, which a CronJob cannot do; it"
                    + " skips a run while the previous one goes on (concurrencyPolicy: Forbid)");
        }
        CronJobBuilder job = new CronJobBuilder().withMetadata(meta(plan, name, component));
        var spec = job.withNewSpec().withSchedule(cron)
                .withConcurrencyPolicy(overlap == Overlap.ALLOW ? "Allow" : "Forbid");
        String zone = zoneName(plan.options.zone());
        if (zone != null) {
            spec.withTimeZone(zone);
        }
        return spec.withNewJobTemplate().withNewSpec().withBackoffLimit(0)
                .withNewTemplate().withMetadata(labelsOnly(plan, component))
                .withSpec(pod(type, container, "Never")).endTemplate()
                .endSpec().endJobTemplate().endSpec().build();
    }

    /** A tz database name for the CronJob's timeZone; null for a fixed offset, which it does not take. */
    private static String zoneName(ZoneId zone) {
        if (zone instanceof ZoneOffset) {
            return null;
        }
        return zone.getId();
    }

    private static Map<String, String> labels(AppPlan plan, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", plan.app);
        if (component != null) {
            labels.put("app.kubernetes.io/component", component);
        }
        return labels;
    }

    private static ObjectMeta meta(AppPlan plan, String name, String component) {
        return new ObjectMetaBuilder().withName(name).withLabels(labels(plan, component)).build();
    }

    private static ObjectMeta labelsOnly(AppPlan plan, String component) {
        return new ObjectMetaBuilder().withLabels(labels(plan, component)).build();
    }

    private static ExportedFile file(String name, HasMetadata object, boolean secret) {
        return new ExportedFile(name, yaml(object), secret);
    }

    /** The object as YAML: Jackson (fabric8's annotations) makes it a tree, snakeyaml writes it in block style. */
    static String yaml(Object object) {
        Object tree = JSON.convertValue(object, Object.class);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false);
        return new Yaml(options).dump(tree);
    }
}
