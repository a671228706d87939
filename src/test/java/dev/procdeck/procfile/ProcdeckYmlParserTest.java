package dev.procdeck.procfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcdeckYmlParserTest {
    private static final List<ProcessType> TYPES = List.of(
            new ProcessType("web", "./web", 0, 1),
            new ProcessType("worker", "./worker", 1, 2),
            new ProcessType("report", "./report", 2, 3),
            new ProcessType("db", "./db", 3, 4));

    private static ProjectConfig parse(String yml) throws ProjectFileException {
        return ProcdeckYmlParser.parse("procdeck.yml", yml, TYPES);
    }

    /** Every problem as printed; fails if the file was accepted. */
    private static List<String> problems(String yml) {
        try {
            parse(yml);
        } catch (ProjectFileException e) {
            return e.problems().stream().map(ParseProblem::toString).toList();
        }
        return fail("accepted:\n" + yml);
    }

    private static List<String> warnings(String yml) throws ProjectFileException {
        return parse(yml).warnings().stream().map(ParseProblem::toString).toList();
    }

    @Test
    void theDocumentedExampleParsesIntoTheModel() throws Exception {
        ProjectConfig c = parse("""
                formation: {web: 2, worker: 1}
                types:
                  web:
                    restart: on-failure
                    max_restarts: 10
                    stop_signal: SIGINT
                    stop_timeout: 500ms
                    ready:
                      http: /health
                      timeout: 2m
                    depends_on: [worker, db]
                    env: {RAILS_ENV: development, N: 3, EMPTY: }
                    tty: true
                  worker:
                    ready: {log: "Listening on \\\\d+"}
                    stop_timeout: 3
                  db:
                    ready: {port: true}
                  report:
                    schedule: "every 2s"
                    overlap: queue
                """);
        assertThat(c.warnings()).isEmpty();
        assertThat(c.formation()).isEqualTo(Map.of("web", 2, "worker", 1));
        TypeConfig web = c.type("web");
        assertThat(web.restart()).isEqualTo(RestartMode.ON_FAILURE);
        assertThat(web.maxRestarts()).isEqualTo(10);
        assertThat(web.stopSignal()).isEqualTo("INT");
        assertThat(web.stopTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(web.ready()).isEqualTo(new Readiness(Readiness.Kind.HTTP, "/health", Duration.ofMinutes(2)));
        assertThat(web.dependsOn()).containsExactly("worker", "db");
        assertThat(web.env()).isEqualTo(Map.of("RAILS_ENV", "development", "N", "3", "EMPTY", ""));
        assertThat(web.tty()).isTrue();
        assertThat(web.line()).isEqualTo(3);
        assertThat(c.type("worker").ready()).isEqualTo(new Readiness(Readiness.Kind.LOG, "Listening on \\d+",
                Readiness.DEFAULT_TIMEOUT));
        assertThat(c.type("worker").stopTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.type("db").ready().kind()).isEqualTo(Readiness.Kind.PORT);
        assertThat(c.isScheduled("report")).isTrue();
        assertThat(c.type("report").schedule().text()).isEqualTo("every 2s");
        assertThat(c.type("report").overlap()).isEqualTo(Overlap.QUEUE);
        assertThat(c.type("worker").restart()).isNull();
        assertThat(c.type("worker").tty()).isFalse();
    }

    @Test
    void anEmptyOrCommentOnlyFileIsTheSameAsNoFile() throws Exception {
        for (String text : List.of("", "# nothing yet\n", "~\n", "\uFEFF", "types:\n", "types:\n  web:\n")) {
            ProjectConfig c = parse(text);
            assertThat(c.formation()).isEmpty();
            assertThat(c.type("web")).isEqualTo(c.types().getOrDefault("web", TypeConfig.DEFAULTS));
            assertThat(c.type("web").restart()).isNull();
            assertThat(c.warnings()).isEmpty();
        }
    }

    @Test
    void badChoicesNameFileLineColumnAndTheValidChoices() {
        assertThat(problems("types:\n  web:\n    restart: sometimes\n")).containsExactly(
                "procdeck.yml:3:14: error: restart must be always, on-failure or never, not 'sometimes'");
        assertThat(problems("types:\n  web:\n    stop_signal: USR1\n")).containsExactly(
                "procdeck.yml:3:18: error: stop_signal must be TERM, INT, QUIT, HUP or KILL, not 'USR1'");
        assertThat(problems("types:\n  report:\n    schedule: every 2s\n    overlap: twice\n")).containsExactly(
                "procdeck.yml:4:14: error: overlap must be skip, queue or allow, not 'twice'");
        assertThat(problems("types:\n  web:\n    tty: maybe\n")).containsExactly(
                "procdeck.yml:3:10: error: tty must be true or false, not 'maybe'");
        assertThat(problems("types:\n  web:\n    max_restarts: -1\n")).containsExactly(
                "procdeck.yml:3:19: error: max_restarts must be a whole number from 0 to 1000000, not '-1'");
    }

    @Test
    void durationsAcceptMillisecondsSecondsMinutesAndPlainSecondsOnly() throws Exception {
        assertThat(parse("types: {web: {stop_timeout: 2m}}").type("web").stopTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("types: {web: {stop_timeout: 1.5}}").type("web").stopTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(parse("types: {web: {stop_timeout: 0}}").type("web").stopTimeout()).isEqualTo(Duration.ZERO);
        assertThat(problems("types:\n  web:\n    stop_timeout: soon\n")).containsExactly(
                "procdeck.yml:3:19: error: stop_timeout must be a duration such as 500ms, 10s or 2m (a plain number"
                        + " is seconds), from 0 up to 1h, not 'soon'");
        assertThat(problems("types: {web: {stop_timeout: 2h}}")).singleElement().asString().contains("up to 1h");
        assertThat(problems("types: {web: {ready: {port: true, timeout: 0s}}}")).singleElement().asString()
                .startsWith("procdeck.yml:1:44: error: ready.timeout must be a duration").contains("above 0");
    }

    @Test
    void readinessNeedsExactlyOneCheckAndAValidOne() {
        assertThat(problems("types:\n  web:\n    ready: {timeout: 5s}\n")).containsExactly(
                "procdeck.yml:3:12: error: ready needs one of http: /path, port: true or log: \"regex\"");
        assertThat(problems("types:\n  web:\n    ready:\n      http: /up\n      log: ok\n")).containsExactly(
                "procdeck.yml:4:7: error: ready has http and log; keep exactly one of http, port or log");
        assertThat(problems("types:\n  web:\n    ready: {log: \"([a-z\"}\n")).singleElement().asString()
                .startsWith("procdeck.yml:3:18: error: ready.log is not a valid regular expression: ");
        assertThat(problems("types:\n  web:\n    ready: {http: health}\n")).containsExactly(
                "procdeck.yml:3:19: error: ready.http must be a URL path starting with '/', such as /health, not 'health'");
        assertThat(problems("types:\n  web:\n    ready: {port: false}\n")).containsExactly(
                "procdeck.yml:3:19: error: ready.port must be true; to have no readiness check, remove ready:");
        assertThat(problems("types:\n  web:\n    ready: /health\n")).containsExactly(
                "procdeck.yml:3:12: error: ready must be a mapping with one of http:, port: or log: (and timeout:),"
                        + " not a single value");
    }

    @Test
    void theRouterIsWebByDefaultAnotherTypeOrOffWithItsTimeouts() throws Exception {
        assertThat(parse("types: {}\n").router()).isEqualTo(RouterConfig.DEFAULTS);
        assertThat(parse("router: off\n").router().off()).isTrue();
        assertThat(parse("router: worker\n").router().type()).isEqualTo("worker");
        RouterConfig full = parse("router: {type: web, timeout: 2s, drain_timeout: 500ms}\n").router();
        assertThat(full.requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(full.drainTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(problems("router: wbe\n")).containsExactly("procdeck.yml:1:9: error: router names 'wbe', which is"
                + " not in the Procfile (did you mean web?); name the type that serves HTTP, or write router: off");
        assertThat(problems("router: {timeout: soon}\n")).singleElement().asString()
                .startsWith("procdeck.yml:1:19: error: router timeout must be a duration");
        assertThat(warnings("router: {tpye: web}\n")).singleElement().asString()
                .contains("unknown key 'tpye' under router (did you mean type?)");
    }

    @Test
    void unknownKeysAreWarningsWithANearMiss() throws Exception {
        assertThat(warnings("types:\n  web:\n    restrat: never\n    max-restarts: 3\n    colour: red\nvolumes: x\n"))
                .containsExactly(
                        "procdeck.yml:3:5: warning: unknown key 'restrat' in type 'web' (did you mean restart?); it is ignored",
                        "procdeck.yml:4:5: warning: unknown key 'max-restarts' in type 'web' (did you mean max_restarts?);"
                                + " it is ignored",
                        "procdeck.yml:5:5: warning: unknown key 'colour' in type 'web'; known keys: restart, max_restarts,"
                                + " stop_signal, stop_timeout, ready, depends_on, env, tty, schedule, overlap, memory, liveness; it is ignored",
                        "procdeck.yml:6:1: warning: unknown key 'volumes' at the top level; known keys: formation, types, router;"
                                + " it is ignored");
        assertThat(warnings("types:\n  web:\n    ready: {port: true, timout: 5s}\n")).containsExactly(
                "procdeck.yml:3:25: warning: unknown key 'timout' in ready (did you mean timeout?); it is ignored");
    }

    @Test
    void aTypeNotInTheProcfileIsAnErrorWithTheTypesThereAre() {
        assertThat(problems("types:\n  wbe:\n    restart: never\n")).containsExactly(
                "procdeck.yml:2:3: error: type 'wbe' is not in the Procfile (did you mean web?); the Procfile has"
                        + " web, worker, report, db");
    }

    @Test
    void dependsOnUnknownSelfAndScheduledTypesAreErrors() {
        assertThat(problems("types:\n  web:\n    depends_on: [wroker, web]\n")).containsExactly(
                "procdeck.yml:3:18: error: depends_on names 'wroker', which is not in the Procfile (did you mean worker?);"
                        + " the Procfile has web, worker, report, db",
                "procdeck.yml:3:26: error: 'web' depends on itself; remove it from depends_on");
        assertThat(problems("types:\n  web:\n    depends_on: [report]\n  report:\n    schedule: hourly\n")).containsExactly(
                "procdeck.yml:3:18: error: 'web' depends on 'report', a scheduled type; only types of the formation"
                        + " can be waited for");
        assertThat(problems("types:\n  report:\n    schedule: daily\n    depends_on: db\n")).containsExactly(
                "procdeck.yml:4:17: error: 'report' is a scheduled type and cannot have depends_on: it runs on its"
                        + " schedule, whatever else is up");
    }

    @Test
    void dependencyCyclesAreNamedOnce() {
        assertThat(problems("""
                types:
                  web:
                    depends_on: [worker]
                  worker:
                    depends_on: [db]
                  db:
                    depends_on: [web]
                """)).containsExactly(
                "procdeck.yml:3:18: error: depends_on forms a cycle: web -> worker -> db -> web; remove one of these"
                        + " dependencies");
        assertThat(problems("types:\n  web: {depends_on: [worker]}\n  worker: {depends_on: [web]}\n")).containsExactly(
                "procdeck.yml:2:22: error: depends_on forms a cycle: web -> worker -> web; remove one of these dependencies");
        assertThatCode(() -> parse("types:\n  web: {depends_on: [worker, db]}\n  worker: {depends_on: [db]}\n"))
                .as("a diamond is not a cycle").doesNotThrowAnyException();
    }

    @Test
    void formationCountsAreWholeNumbersFrom0To100ForProcfileTypesThatAreNotScheduled() throws Exception {
        assertThat(parse("formation:\n  web: 0\n  worker: 100\n").formation()).isEqualTo(Map.of("web", 0, "worker", 100));
        assertThat(problems("formation:\n  web: 101\n  worker: two\n  wbe: 1\n")).containsExactly(
                "procdeck.yml:2:8: error: the count of web must be a whole number from 0 to 100, not '101'",
                "procdeck.yml:3:11: error: the count of worker must be a whole number from 0 to 100, not 'two'",
                "procdeck.yml:4:3: error: formation names 'wbe', which is not in the Procfile (did you mean web?);"
                        + " the Procfile has web, worker, report, db");
        assertThat(problems("formation: {report: 1}\ntypes:\n  report: {schedule: every 10m}\n")).containsExactly(
                "procdeck.yml:1:13: error: 'report' is a scheduled type (every 10m) and not part of the formation;"
                        + " remove it from formation");
    }

    @Test
    void overlapWithoutScheduleIsAWarning() throws Exception {
        assertThat(warnings("types:\n  web:\n    overlap: allow\n")).containsExactly(
                "procdeck.yml:3:14: warning: overlap has no effect without schedule; type 'web' is not a scheduled type");
    }

    @Test
    void invalidSchedulesAreErrorsAtTheirValue() {
        assertThat(problems("types:\n  report:\n    schedule: every 0s\n")).singleElement().asString()
                .startsWith("procdeck.yml:3:15: error: invalid schedule 'every 0s'");
        assertThat(problems("types:\n  report:\n    schedule: \"0 0 31 2 *\"\n")).singleElement().asString()
                .startsWith("procdeck.yml:3:15: error: schedule '0 0 31 2 *' never runs");
    }

    @Test
    void wrongYamlShapesAreClearErrors() {
        assertThat(problems("- web\n- worker\n")).containsExactly(
                "procdeck.yml:1:1: error: procdeck.yml must be a mapping with keys such as formation: and types:, not a list");
        assertThat(problems("types:\n  - web\n")).containsExactly(
                "procdeck.yml:2:3: error: types must be a mapping of process type names to their settings, not a list");
        assertThat(problems("types:\n  web: [restart, never]\n")).containsExactly(
                "procdeck.yml:2:8: error: web must be a mapping of settings such as restart: and ready:, not a list");
        assertThat(problems("formation: web=2\n")).containsExactly(
                "procdeck.yml:1:12: error: formation must be a mapping of process types to counts, such as"
                        + " {web: 2, worker: 1}, not a single value");
        assertThat(problems("types:\n  web:\n    restart: [always]\n    env: [A=1]\n    depends_on: {worker: 1}\n"))
                .containsExactly(
                        "procdeck.yml:3:14: error: restart must be a single value, not a list",
                        "procdeck.yml:4:10: error: env must be a mapping of variable names to values, such as"
                                + " {RAILS_ENV: development}, not a list",
                        "procdeck.yml:5:17: error: depends_on must be a list of process types, such as [db, worker],"
                                + " not a mapping");
        assertThat(problems("types:\n  web:\n    env: {BAD-NAME: 1, OK: [1]}\n")).containsExactly(
                "procdeck.yml:3:11: error: invalid variable name 'BAD-NAME' in env; names use letters, digits and '_'"
                        + " and do not start with a digit",
                "procdeck.yml:3:28: error: the value of OK must be a single value, not a list");
        assertThat(problems("types:\n  web: {restart: never}\n  web: {restart: always}\n")).containsExactly(
                "procdeck.yml:3:3: error: duplicate key 'web' (first on line 2); remove one of them");
        assertThat(problems("types:\n  web: {restart: !shell never}\n")).containsExactly(
                "procdeck.yml:2:18: error: custom tag '!shell' is not supported; remove it");
    }

    @Test
    void syntaxErrorsUseSnakeYamlsPositionInOurFormat() {
        assertThat(problems("types:\n  web:\n    restart: a: b\n")).containsExactly(
                "procdeck.yml:3:15: error: invalid YAML: mapping values are not allowed here");
        assertThat(problems("formation: {web: 2\n")).singleElement().asString()
                .startsWith("procdeck.yml:2:1: error: invalid YAML: ");
        assertThat(problems("types: {}\n---\ntypes: {}\n")).containsExactly(
                "procdeck.yml:2:1: error: holds more than one YAML document; remove the '---' line (procdeck.yml is one"
                        + " mapping)");
        assertThat(problems("types:\n\tweb: {}\n")).singleElement().asString()
                .startsWith("procdeck.yml:2:1: error: invalid YAML: found character '\\t(TAB)'");
        assertThat(problems("types:\n  web:\n    env: {A: \"\u0001\"}\n")).containsExactly(
                "procdeck.yml:3:15: error: character U+0001 is not allowed in YAML; remove it");
        assertThat(problems("types: !!python/object:os.system {}\n")).singleElement().asString()
                .startsWith("procdeck.yml:1:8: error: tags such as");
    }

    @Test
    void allProblemsAreReportedNotJustTheFirstAndWarningsRideAlong() {
        assertThat(problems("types:\n  web:\n    restart: x\n    tty: x\n    restrat: y\n")).containsExactly(
                "procdeck.yml:3:14: error: restart must be always, on-failure or never, not 'x'",
                "procdeck.yml:4:10: error: tty must be true or false, not 'x'",
                "procdeck.yml:5:5: warning: unknown key 'restrat' in type 'web' (did you mean restart?); it is ignored");
    }

    @Test
    void aBillionLaughsFileIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        bomb.append("types:\n  web:\n    env: *a9\n");
        assertThat(problems(bomb.toString())).singleElement().asString()
                .startsWith("procdeck.yml: error: cannot be read: Number of aliases for non-scalar nodes exceeds");
        assertThat(problems("a: " + "[".repeat(200) + "]".repeat(200) + "\n")).singleElement().asString()
                .startsWith("procdeck.yml: error: cannot be read: Nesting Depth exceeded");
    }

    @Test
    void aRecursiveAliasIsNotFollowedForever() throws Exception {
        assertThat(warnings("types: &t\n  web: *t\n")).singleElement().asString()
                .startsWith("procdeck.yml:2:3: warning: unknown key 'web' in type 'web'");
        assertThat(problems("types:\n  web:\n    depends_on: &d [*d]\n")).containsExactly(
                "procdeck.yml:3:17: error: each depends_on entry must be a single value, not a list");
    }

    @Test
    void mergeKeysShareSettingsAndTheTypeOwnKeysWin() throws Exception {
        ProjectConfig c = parse("""
                types:
                  web: &base
                    restart: never
                    stop_timeout: 2s
                  worker:
                    <<: *base
                    restart: on-failure
                """);
        assertThat(c.type("worker").restart()).isEqualTo(RestartMode.ON_FAILURE);
        assertThat(c.type("worker").stopTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void suggestionsOnlyForNearMisses() {
        assertThat(ProcdeckYmlParser.suggestion("restrat", List.of("restart", "ready"))).isEqualTo(" (did you mean restart?)");
        assertThat(ProcdeckYmlParser.suggestion("dependson", List.of("depends_on"))).isEqualTo(" (did you mean depends_on?)");
        assertThat(ProcdeckYmlParser.suggestion("banana", List.of("restart", "ready"))).isEmpty();
    }
}
