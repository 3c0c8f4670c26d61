package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository's {@code ./stylegan4j} launcher rebuilds the jar when any module's sources are newer than it, the
 * explorer's ({@code stylegan4j-web}) included, and otherwise runs it without building. Runs the real script in a
 * copy of the layout with {@code mvn} and {@code java} replaced by scripts that only record their calls.
 */
class LauncherTest {

    private static final FileTime OLD = FileTime.fromMillis(1_000_000_000_000L);
    private static final FileTime JAR = FileTime.fromMillis(1_100_000_000_000L);
    private static final FileTime NEW = FileTime.fromMillis(1_200_000_000_000L);

    private static Path file(Path root, String relative, FileTime time) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
        Files.setLastModifiedTime(p, time);
        return p;
    }

    private static void script(Path bin, String name, Path log) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\necho \"" + name + " $*\" >> '" + log + "'\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the launcher with {@code --version}; returns the commands it ran. */
    private static List<String> launch(Path root, Path bin, Path log) throws Exception {
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("stylegan4j").toString(), "--version");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        return Files.readAllLines(log);
    }

    @Test
    void rebuildsWhenAnyModulesSourcesAreNewerThanTheJar(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("repo");
        Files.createDirectories(root);
        Files.copy(Path.of("..", "stylegan4j"), root.resolve("stylegan4j"));
        file(root, "pom.xml", OLD);
        for (String module : new String[] {"stylegan4j-core", "stylegan4j-cli", "stylegan4j-web"}) {
            file(root, module + "/pom.xml", OLD);
        }
        file(root, "stylegan4j-core/src/main/java/A.java", OLD);
        file(root, "stylegan4j-cli/src/main/java/B.java", OLD);
        Path page = file(root, "stylegan4j-web/src/main/resources/explorer/app.js", OLD);
        file(root, "stylegan4j-cli/target/stylegan4j.jar", JAR);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("calls.log");
        script(bin, "mvn", log);
        script(bin, "java", log);

        List<String> upToDate = launch(root, bin, log);
        assertEquals(1, upToDate.size(), upToDate.toString());
        assertTrue(upToDate.get(0).startsWith("java ") && upToDate.get(0).endsWith("--version"), upToDate.toString());

        Files.setLastModifiedTime(page, NEW);
        List<String> changed = launch(root, bin, log);
        assertEquals(List.of("mvn -q -B -DskipTests package"), changed.subList(0, 1), changed.toString());
        assertTrue(changed.get(1).startsWith("java "), changed.toString());
    }
}
