package org.stylegan4j.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ADA's controller: p moves by N * 4 / (kimg * 1000) towards the target r_t every 4 minibatches, within [0, 1]. */
class AdaControllerTest {

    private static final Augmentation ADA = new Augmentation(Augmentation.Kind.ADA, 0.2, 0.6, 500);

    @Test
    void pStepsUpWhenDOverfitsAndDownOtherwiseByTheDocumentedStep() {
        double step = 32 * 4 / 500_000.0;
        assertEquals(0.2 + step, AdaController.adjust(0.2, 0.7, 0.6, 32, 500), 1e-15);
        assertEquals(0.2 - step, AdaController.adjust(0.2, 0.5, 0.6, 32, 500), 1e-15);
        assertEquals(0.2, AdaController.adjust(0.2, 0.6, 0.6, 32, 500), 0.0, "r_t on target: p stays");
        assertEquals(0.0, AdaController.adjust(0.0001, -1, 0.6, 32, 500), 0.0, "never below 0");
        assertEquals(1.0, AdaController.adjust(0.9999, 1, 0.6, 32, 500), 0.0, "never above 1");
        assertEquals(0.5 + 64 * 4 / 100_000.0, AdaController.adjust(0.5, 0.9, 0.6, 64, 100), 1e-15,
                "a larger minibatch and a faster kimg take larger steps");
    }

    @Test
    void pMovesAfterEveryFourthMinibatchOnTheSignsSinceTheLastMove() {
        AdaController c = new AdaController(ADA, 0.2, 0, 0);
        double step = 8 * 4 / 500_000.0;
        // minibatches 0..2: 3 of 4 scores positive each, r_t so far 0.5, no move yet
        for (int it = 0; it < 3; it++) {
            c.update(it, 8, 2, 4);
            assertEquals(0.2, c.p(), 0.0, "no move after minibatch " + it);
        }
        assertEquals(6, c.signSum(), 0.0);
        assertEquals(12, c.signCount());
        // minibatch 3: all positive, r_t = (6 + 4) / 16 = 0.625 > 0.6: up, and the count restarts
        c.update(3, 8, 4, 4);
        assertEquals(0.2 + step, c.p(), 1e-15);
        assertEquals(0, c.signSum(), 0.0);
        assertEquals(0, c.signCount());
        // minibatches 4..7: r_t = 0.5: down
        for (int it = 4; it < 8; it++) {
            c.update(it, 8, 2, 4);
        }
        assertEquals(0.2, c.p(), 1e-15);
        // a non-finite minibatch is not counted
        c.update(8, 8, Double.NaN, 4);
        assertEquals(0, c.signCount());
    }

    @Test
    void aResumedControllerContinuesFromItsCounts() {
        AdaController whole = new AdaController(ADA, 0.2, 0, 0);
        whole.update(0, 8, 4, 4);
        whole.update(1, 8, 4, 4);
        AdaController resumed = new AdaController(ADA, whole.p(), whole.signSum(), whole.signCount());
        for (AdaController c : new AdaController[] {whole, resumed}) {
            c.update(2, 8, -4, 4);
            c.update(3, 8, -2, 4);
        }
        assertEquals(whole.p(), resumed.p(), 0.0);
        assertEquals(0.2 - 8 * 4 / 500_000.0, resumed.p(), 1e-15, "r_t = 2 / 16 over the four minibatches");
    }

    @Test
    void fixedAndNoAugmentationKeepTheirP() {
        AdaController fixed = new AdaController(new Augmentation(Augmentation.Kind.FIXED, 0.3, 0.6, 500), 0.7, 0, 0);
        AdaController none = new AdaController(Augmentation.NONE, 0, 0, 0);
        for (int it = 0; it < 8; it++) {
            fixed.update(it, 8, 4, 4);
            none.update(it, 8, 4, 4);
        }
        assertEquals(0.3, fixed.p(), 0.0, "the config's p, whatever the state says");
        assertEquals(0.0, none.p(), 0.0);
        assertEquals(0, fixed.signCount());
    }
}
