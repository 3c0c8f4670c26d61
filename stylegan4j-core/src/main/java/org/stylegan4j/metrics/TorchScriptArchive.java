package org.stylegan4j.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the signature of a TorchScript file's {@code forward} from the archive itself (DJL offers no method schema):
 * the file is a zip whose {@code data.pkl} names the top-level class first (pickle GLOBAL {@code module\nName\n}) and
 * whose {@code code/<module path>.py} holds that class's TorchScript source.
 */
final class TorchScriptArchive {

    private static final int MAX_BYTES = 1 << 24;

    private TorchScriptArchive() {
    }

    /**
     * @param file a TorchScript file
     * @param parameter a parameter name
     * @return whether the top-level module's {@code forward} has that parameter; false when the archive cannot tell
     */
    static boolean forwardHas(Path file, String parameter) {
        String signature = forwardSignature(file);
        return signature != null && Pattern.compile("[(,]\\s*" + Pattern.quote(parameter) + "\\s*:").matcher(signature)
                .find();
    }

    /** @return the text of the top-level {@code def forward(...)} up to its closing parenthesis, or null */
    static String forwardSignature(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = zip.stream().filter(e -> e.getName().matches("[^/]+/data\\.pkl")).findFirst()
                    .orElse(null);
            if (pickle == null) {
                return null;
            }
            String root = pickle.getName().substring(0, pickle.getName().indexOf('/') + 1);
            String[] global = firstGlobal(read(zip, pickle));
            if (global == null) {
                return null;
            }
            ZipEntry code = zip.getEntry(root + "code/" + global[0].replace('.', '/') + ".py");
            return code == null ? null : forwardOf(new String(read(zip, code), StandardCharsets.UTF_8), global[1]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return module and class name of the first pickle GLOBAL opcode ('c', two newline-ended lines), or null */
    static String[] firstGlobal(byte[] pickle) {
        for (int i = 0; i < Math.min(pickle.length, 16); i++) {
            if (pickle[i] == 'c') {
                String rest = new String(pickle, i + 1, Math.min(pickle.length - i - 1, 1024), StandardCharsets.UTF_8);
                String[] lines = rest.split("\n", 3);
                return lines.length == 3 && lines[0].startsWith("__torch__") ? new String[] {lines[0], lines[1]} : null;
            }
        }
        return null;
    }

    /** @return the signature of {@code forward} in class {@code name} of the source, or null */
    static String forwardOf(String source, String name) {
        Matcher cls = Pattern.compile("(?m)^class " + Pattern.quote(name) + "\\(").matcher(source);
        if (!cls.find()) {
            return null;
        }
        Matcher def = Pattern.compile("(?m)^  def forward\\(").matcher(source);
        if (!def.find(cls.end())) {
            return null;
        }
        Matcher next = Pattern.compile("(?m)^class ").matcher(source);
        if (next.find(cls.end()) && next.start() < def.start()) {
            return null;
        }
        int close = source.indexOf(')', def.end());
        return close < 0 ? null : source.substring(def.start(), close + 1);
    }

    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readNBytes(MAX_BYTES);
        }
    }
}
