package org.stylegan4j.web;

import org.junit.jupiter.api.Test;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.projection.Projector;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end in a real browser: Debian's chromium driven by playwright-core ({@code e2e/e2e.mjs})
 * loads the page from a live server, moves psi, picks a mixing band, moves the interpolation slider,
 * downloads the image, uploads a photo and mixes its projection (30 steps here), and takes a screenshot.
 * Skipped only where chromium or the e2e node modules are not installed ({@code .ci/run} installs both).
 */
class BrowserE2ETest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path E2E = Path.of("e2e").toAbsolutePath();

    @Test
    void pageDrivesTheApiInChromium() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + " (apt-get install chromium)");
        assumeTrue(Files.isDirectory(E2E.resolve("node_modules/playwright-core")), "no e2e node modules (npm ci in " + E2E + ")");
        Path shot = Path.of(System.getProperty("explorer.screenshot", "target/e2e/explorer.png")).toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        try (Generator g = new Generator(ModelConfig.preset("small", 32), 0);
             ExplorerServer server = ExplorerServer.start(g, "127.0.0.1", 0, ExplorerServer.Options.defaults()
                     .withProjection(ProjectionSettings.pixelDistance(Projector.Options.PUBLISHED.withSteps(30), 4)))) {
            Process p = new ProcessBuilder("node", "e2e.mjs", server.url().toString(), shot.toString())
                    .directory(E2E.toFile()).redirectErrorStream(true).start();
            String[] output = new String[1];
            Thread reader = new Thread(() -> output[0] = read(p));
            reader.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail("e2e.mjs did not finish in 180 s");
            }
            reader.join(10_000);
            assertEquals(0, p.exitValue(), "e2e.mjs failed:\n" + output[0]);
            assertTrue(output[0].contains("e2e ok"), output[0]);
        }
        BufferedImage screenshot = ImageIO.read(shot.toFile());
        assertNotNull(screenshot, "screenshot is not a PNG");
        assertTrue(screenshot.getWidth() >= 800 && screenshot.getHeight() >= 400, screenshot.getWidth() + "x" + screenshot.getHeight());
    }

    private static String read(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "cannot read the output: " + e;
        }
    }
}
