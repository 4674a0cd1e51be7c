package io.dpsemu.server;

import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import java.util.List;
import java.util.Map;

/**
 * No two top-level classes of the production code, in any module, share a simple name: a reader (or an
 * import) should never have to look at the package to know which one is meant.
 */
@AnalyzeClasses(packages = "io.dpsemu",
        importOptions = {ImportOption.DoNotIncludeTests.class, PackageDependenciesTest.DoNotIncludeTestJars.class})
class ClassNamesTest {

    @ArchTest
    static void topLevelClassNamesAreUnique(JavaClasses classes) {
        Map<String, List<String>> byName = classes.stream()
                .filter(JavaClass::isTopLevelClass)
                .filter(c -> !c.getSimpleName().equals("package-info"))
                .collect(groupingBy(JavaClass::getSimpleName, mapping(JavaClass::getName, toList())));

        assertThat(byName.values()).allSatisfy(sameName -> assertThat(sameName).hasSize(1));
    }
}
