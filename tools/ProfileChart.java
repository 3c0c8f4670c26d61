import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.stylegan4j.bench.OpProfile;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws operator profiles as bars of each operator kind's share of the profiled pass (the kinds of
 * {@code bench generate --profile}, plus the time outside the engine), one bar per profile, for the README's
 * Benchmarks section. Shares, not milliseconds: the profiler charged the page faults of early profiles to the
 * operators that touched fresh memory, so their absolute times are not comparable with later ones.
 *
 * <p>Usage, from the repository root after building:
 * <pre>
 * java -cp stylegan4j-cli/target/stylegan4j.jar tools/ProfileChart.java OUT.png "LABEL=@profile.json" "LABEL=ms,ms,..."
 * </pre>
 * A profile is either {@code @} and the JSON that {@code bench generate --profile --json} printed, or the
 * milliseconds of each kind in report order, the time outside the engine last.
 */
public final class ProfileChart {

    private static final Color[] COLOURS = {new Color(0x3b6fb6), new Color(0x7fb3e0), new Color(0x8c6bb1),
        new Color(0xe6a23c), new Color(0xd9534f), new Color(0xf0c987), new Color(0x5cb85c), new Color(0xb0b0b0),
        new Color(0x707070), new Color(0x2d2d2d)};

    private record Bar(String label, double[] ms) {
        double total() {
            double t = 0;
            for (double v : ms) {
                t += v;
            }
            return t;
        }
    }

    private static List<String> kinds() {
        List<String> kinds = new ArrayList<>(OpProfile.KINDS);
        kinds.add("outside the engine (Java, JNI)");
        return kinds;
    }

    private static Bar parse(String arg) throws IOException {
        int eq = arg.lastIndexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("expected LABEL=@file.json or LABEL=ms,ms,..., got " + arg);
        }
        String label = arg.substring(0, eq);
        String value = arg.substring(eq + 1);
        List<String> kinds = kinds();
        double[] ms = new double[kinds.size()];
        if (value.startsWith("@")) {
            JsonNode byKind = new ObjectMapper().readTree(new File(value.substring(1))).path("profile").path("byKind");
            for (int i = 0; i < ms.length; i++) {
                ms[i] = byKind.path(kinds.get(i)).asDouble();
            }
        } else {
            String[] parts = value.split(",");
            if (parts.length != ms.length) {
                throw new IllegalArgumentException(label + ": expected " + ms.length + " numbers " + kinds + ", got "
                        + parts.length);
            }
            for (int i = 0; i < ms.length; i++) {
                ms[i] = Double.parseDouble(parts[i].trim());
            }
        }
        return new Bar(label, ms);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ProfileChart OUT.png LABEL=@profile.json|LABEL=ms,... ...");
            System.exit(2);
        }
        List<Bar> bars = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            bars.add(parse(args[i]));
        }
        List<String> kinds = kinds();
        int left = 330;
        int barWidth = 560;
        int rowHeight = 42;
        int top = 16;
        int legendTop = top + bars.size() * rowHeight + 28;
        int width = left + barWidth + 20;
        int height = legendTop + ((kinds.size() + 1) / 2) * 22 + 10;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int b = 0; b < bars.size(); b++) {
            Bar bar = bars.get(b);
            int y = top + b * rowHeight;
            g.setColor(Color.BLACK);
            g.drawString(bar.label(), 8, y + 20);
            double x = left;
            for (int k = 0; k < kinds.size(); k++) {
                double w = bar.ms()[k] / bar.total() * barWidth;
                g.setColor(COLOURS[k]);
                g.fillRect((int) Math.round(x), y + 6, (int) Math.max(0, Math.round(x + w) - Math.round(x)), 22);
                x += w;
            }
            g.setColor(Color.WHITE);
            double share = bar.ms()[0] / bar.total();
            g.drawString(String.format("%.0f%%", 100 * share), left + 6, y + 22);
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, top, left, top + bars.size() * rowHeight);
        for (int k = 0; k < kinds.size(); k++) {
            int col = k % 2;
            int row = k / 2;
            int x = 8 + col * 400;
            int y = legendTop + row * 22;
            g.setColor(COLOURS[k]);
            g.fillRect(x, y - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(kinds.get(k), x + 20, y + 1);
        }
        g.dispose();
        ImageIO.write(img, "png", new File(args[0]));
    }
}
