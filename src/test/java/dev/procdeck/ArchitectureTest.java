package dev.procdeck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layers, lowest first: {@code procfile}, {@code logs} and {@code os} know nothing of procdeck above them;
 * {@code supervisor} runs a formation; {@code export} writes it for other process managers; {@code runtime} (session, state folder, watchdog) serves both front
 * ends; {@code cli} and {@code ui} are the front ends, and only the launcher knows both.
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.procdeck");

    @Test
    void lowerLayersNeverImportHigherOnes() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Procfile").definedBy("dev.procdeck.procfile..")
                .layer("Logs").definedBy("dev.procdeck.logs..")
                .layer("Os").definedBy("dev.procdeck.os..")
                .layer("Supervisor").definedBy("dev.procdeck.supervisor..")
                .layer("Router").definedBy("dev.procdeck.router..")
                .layer("Runtime").definedBy("dev.procdeck.runtime..")
                .layer("Export").definedBy("dev.procdeck.export..")
                .layer("Cli").definedBy("dev.procdeck.cli..")
                .layer("Ui").definedBy("dev.procdeck.ui..")
                .layer("Launcher").definedBy("dev.procdeck")
                .whereLayer("Procfile").mayOnlyBeAccessedByLayers("Supervisor", "Router", "Runtime", "Export", "Cli", "Ui", "Launcher")
                .whereLayer("Logs").mayOnlyBeAccessedByLayers("Supervisor", "Router", "Runtime", "Cli", "Ui", "Launcher")
                .whereLayer("Os").mayOnlyBeAccessedByLayers("Supervisor", "Runtime", "Cli", "Ui", "Launcher")
                .whereLayer("Supervisor").mayOnlyBeAccessedByLayers("Router", "Runtime", "Export", "Cli", "Ui", "Launcher")
                .whereLayer("Router").mayOnlyBeAccessedByLayers("Runtime", "Cli", "Ui", "Launcher")
                .whereLayer("Runtime").mayOnlyBeAccessedByLayers("Cli", "Ui", "Launcher")
                .whereLayer("Export").mayOnlyBeAccessedByLayers("Cli", "Ui", "Launcher")
                .whereLayer("Cli").mayOnlyBeAccessedByLayers("Launcher")
                .whereLayer("Ui").mayOnlyBeAccessedByLayers("Launcher")
                .check(CLASSES);
    }

    @Test
    void onlyTheCommandLinePrints() {
        // Everything else reports through return values, callbacks, events on the bus or a System.Logger, so
        // that the dashboard shows it and a blocked terminal can never hold up supervision.
        noClasses().that().resideOutsideOfPackage("dev.procdeck.cli..")
                .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .orShould().callMethod(Throwable.class, "printStackTrace")
                .check(CLASSES);
    }

    @Test
    void javafxStaysInTheUiPackage() {
        noClasses().that().resideOutsideOfPackage("dev.procdeck.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.fxmisc..")
                .check(CLASSES);
    }

    @Test
    void theHttpEngineStaysInTheRouter() {
        // Undertow and XNIO are the router's business; the rest sees Router's own types.
        noClasses().that().resideOutsideOfPackage("dev.procdeck.router..")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..")
                .check(CLASSES);
    }

    @Test
    void pseudoTerminalsStayBehindInstanceTerminal() {
        // pty4j is one launcher's business; everything else sees LaunchedProcess and InstanceTerminal.
        noClasses().that().haveNameNotMatching("dev\\.procdeck\\.supervisor\\.Pty(ProcessLauncher|Terminal)(\\$.*)?")
                .should().dependOnClassesThat().resideInAnyPackage("com.pty4j..")
                .check(CLASSES);
    }

    @Test
    void parsersDoNoIo() {
        noClasses().that().haveSimpleNameEndingWith("Parser").and().resideInAPackage("dev.procdeck.procfile")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..")
                .check(CLASSES);
    }
}
