package dev.procdeck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine never depends on the UI toolkit, and only the UI (and the launcher) know the UI exists. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.procdeck");

    @Test
    void javafxStaysInTheUiPackage() {
        noClasses().that().resideOutsideOfPackage("dev.procdeck.ui..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.fxmisc..")
                .check(CLASSES);
    }

    @Test
    void engineDoesNotReachIntoTheUiOrTheCli() {
        noClasses().that().resideInAnyPackage("dev.procdeck.procfile..", "dev.procdeck.supervisor..", "dev.procdeck.logs..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.procdeck.ui..", "dev.procdeck.cli..")
                .check(CLASSES);
    }

    @Test
    void parsersDoNoIo() {
        noClasses().that().haveSimpleNameEndingWith("Parser").and().resideInAPackage("dev.procdeck.procfile")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..")
                .check(CLASSES);
    }
}
