package org.stylegan4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
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
        script(bin, name, log, "");
    }

    private static void script(Path bin, String name, Path log, String more) throws IOException {
        Path p = bin.resolve(name);
        Files.writeString(p, "#!/usr/bin/env bash\necho \"" + name + " $*\" >> '" + log + "'\n" + more);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs the launcher with {@code --version}; returns its exit code and everything it printed. */
    private static Map.Entry<Integer, String> output(Path root, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("stylegan4j").toString(), "--version");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return Map.entry(p.exitValue(), out);
    }

    /** A repository layout whose jar is older than its sources. */
    private static Path staleLayout(Path dir) throws IOException {
        Path root = dir.resolve("repo");
        Files.createDirectories(root);
        Files.copy(Path.of("..", "stylegan4j"), root.resolve("stylegan4j"));
        file(root, "pom.xml", NEW);
        file(root, "stylegan4j-cli/target/stylegan4j.jar", JAR);
        return root;
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

    @Test
    void showsMavensOutputOnlyWhenTheBuildFails(@TempDir Path dir) throws Exception {
        Path root = staleLayout(dir);
        Path log = dir.resolve("calls.log");
        Path ok = Files.createDirectories(dir.resolve("ok"));
        script(ok, "mvn", log, "printf '\\033[0m\\033[0m'\n");
        script(ok, "java", log);
        Map.Entry<Integer, String> built = output(root, ok);
        assertEquals(0, built.getKey());
        assertEquals("stylegan4j: building (mvn package, tests skipped)...\n", built.getValue());

        Path failing = Files.createDirectories(dir.resolve("failing"));
        script(failing, "mvn", log, "echo '[ERROR] COMPILATION ERROR'\nexit 1\n");
        script(failing, "java", log);
        Map.Entry<Integer, String> failed = output(root, failing);
        assertEquals(1, failed.getKey());
        assertTrue(failed.getValue().contains("[ERROR] COMPILATION ERROR\nstylegan4j: the build failed (above)\n"),
                failed.getValue());
        List<String> calls = Files.readAllLines(log);
        assertEquals("mvn -q -B -DskipTests package", calls.get(calls.size() - 1), "nothing runs after a failed build");
    }
}
