import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Arrays;

/** {@code java SamePixels.java A.png B.png}: exit 0 when both images have the same size and pixels, else 1. */
public final class SamePixels {
    public static void main(String[] args) throws Exception {
        BufferedImage a = ImageIO.read(new File(args[0]));
        BufferedImage b = ImageIO.read(new File(args[1]));
        boolean same = a.getWidth() == b.getWidth() && a.getHeight() == b.getHeight()
                && Arrays.equals(a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth()),
                        b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth()));
        System.out.println(args[0] + (same ? " == " : " != ") + args[1] + " (" + a.getWidth() + "x" + a.getHeight() + ")");
        System.exit(same ? 0 : 1);
    }
}
