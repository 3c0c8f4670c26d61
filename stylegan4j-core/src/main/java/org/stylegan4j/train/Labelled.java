package org.stylegan4j.train;

import org.stylegan4j.StyleGanInputException;

import java.util.Arrays;

/** A choice of the training config: an enum constant named on the command line and in {@code config.json}. */
interface Labelled {

    /** @return the name used on the command line and in {@code config.json} */
    String label();

    /**
     * @param values the enum's constants
     * @param label a name
     * @param what what the enum chooses, for the message ("loss")
     * @param <E> the enum
     * @return the constant with that name
     * @throws StyleGanInputException naming every known name
     */
    static <E extends Enum<E> & Labelled> E of(E[] values, String label, String what) {
        for (E e : values) {
            if (e.label().equals(label)) {
                return e;
            }
        }
        String[] names = Arrays.stream(values).map(Labelled::label).toArray(String[]::new);
        String expected = names.length == 1 ? names[0] : String.join(", ", Arrays.copyOf(names, names.length - 1))
                + " or " + names[names.length - 1];
        throw new StyleGanInputException("unknown " + what + " '" + label + "' (expected " + expected + ")");
    }
}
