package org.stylegan4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules of the README's Architecture section, checked on the library's compiled classes. */
class ArchitectureTest {

    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.stylegan4j");

    @Test
    void generalCodeDoesNotKnowTheDigits() {
        noClasses().that().resideOutsideOfPackage("org.stylegan4j.digits..")
                .should().dependOnClassesThat().resideInAPackage("org.stylegan4j.digits..")
                .check(LIBRARY);
    }

    @Test
    void trainingDoesNotDrawFigures() {
        noClasses().that().resideInAPackage("org.stylegan4j.train..")
                .should().dependOnClassesThat().resideInAPackage("org.stylegan4j.figures..")
                .check(LIBRARY);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("org.stylegan4j.(*)..").should().beFreeOfCycles().check(LIBRARY);
    }

    @Test
    void theLibraryHasNoConsoleOrHttpCode() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.eclipse.jetty..",
                "me.tongfei.progressbar..").check(LIBRARY);
    }

    @Test
    void theLibraryChangesNoJvmWideSetting() {
        noClasses().should().callMethod(System.class, "setProperty", String.class, String.class)
                .orShould().callMethod(System.class, "clearProperty", String.class)
                .orShould().callMethod(System.class, "setProperties", java.util.Properties.class)
                .because("engine settings are the application's choice (issue 24)").check(LIBRARY);
    }
}
