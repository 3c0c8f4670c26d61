package org.stylegan4j.digits;

import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.ImageDataset;

import java.nio.file.Path;
import java.util.function.IntPredicate;

/**
 * Labelled 32x32 grayscale digits in memory, as CHW floats in [-1, 1], and the fixed split of a labelled digit set
 * into training images and held-back images: every {@value #HELD_BACK_EVERY}th image by sorted name is held back
 * and never trained on.
 *
 * @param images {@code labels.length} images, 1024 floats each
 * @param labels the digit of each image, 0..9
 */
public record Digits(float[] images, int[] labels) {

    /** One image in this many (indices 0, 10, 20, ... by sorted name) is held back from training. */
    public static final int HELD_BACK_EVERY = 10;

    /** @return number of images */
    public int size() {
        return labels.length;
    }

    /**
     * A training set and its held-back set.
     *
     * @param train images the classifier learns from
     * @param heldBack images used only to measure accuracy
     */
    public record Split(Digits train, Digits heldBack) {
    }

    /**
     * @param index position of an image in the sorted names of its dataset
     * @return whether it is held back from training
     */
    public static boolean isHeldBack(int index) {
        return index % HELD_BACK_EVERY == 0;
    }

    /**
     * Reads a labelled digit set and splits it.
     *
     * @param data a zip or directory of 32x32 grayscale images with {@code dataset.json} labels 0..9
     * @return the training and held-back images
     * @throws StyleGanInputException (one line) if the data is missing, unlabelled or not 32x32 grayscale
     */
    public static Split split(Path data) {
        try (ImageDataset ds = open(data)) {
            return new Split(read(ds, i -> !isHeldBack(i)), read(ds, Digits::isHeldBack));
        }
    }

    /**
     * Reads only the held-back images of a labelled digit set.
     *
     * @param data a zip or directory of 32x32 grayscale images with {@code dataset.json} labels 0..9
     * @return the held-back images
     * @throws StyleGanInputException (one line) if the data is missing, unlabelled or not 32x32 grayscale
     */
    public static Digits heldBack(Path data) {
        try (ImageDataset ds = open(data)) {
            return read(ds, Digits::isHeldBack);
        }
    }

    private static ImageDataset open(Path data) {
        ImageDataset ds = ImageDataset.open(data);
        if (ds.resolution() != DigitClassifier.RESOLUTION || ds.channels() != 1 || !ds.source().hasLabels()) {
            String found = ds.resolution() + "x" + ds.resolution() + (ds.channels() == 1 ? " grayscale" : " RGB")
                    + (ds.source().hasLabels() ? "" : " without labels");
            ds.close();
            throw new StyleGanInputException(data + ": digits must be 32x32 grayscale images with dataset.json labels"
                    + " 0..9, found " + found);
        }
        return ds;
    }

    private static Digits read(ImageDataset ds, IntPredicate which) {
        int count = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (which.test(i)) {
                count++;
            }
        }
        float[] images = new float[count * DigitClassifier.IMAGE_SIZE];
        int[] labels = new int[count];
        int k = 0;
        for (int i = 0; i < ds.size(); i++) {
            if (!which.test(i)) {
                continue;
            }
            int index = i;
            int label = ds.source().label(i).orElseThrow(() ->
                    new StyleGanInputException(ds.source().describe(index) + ": no label in dataset.json"));
            if (label < 0 || label >= DigitClassifier.CLASSES) {
                throw new StyleGanInputException(ds.source().describe(i) + ": label " + label + " is not a digit 0..9");
            }
            ds.readInto(i, images, k * DigitClassifier.IMAGE_SIZE, false);
            labels[k++] = label;
        }
        return new Digits(images, labels);
    }
}
