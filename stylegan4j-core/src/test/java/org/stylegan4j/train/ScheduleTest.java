package org.stylegan4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.stylegan4j.model.DiscriminatorConfig;
import org.stylegan4j.model.ModelConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The official FFHQ-1024 level-of-detail schedule (spec section 8.3), the small preset's schedule and the EMA decay (8.1). */
class ScheduleTest {

    private TrainingConfig ffhq = TrainingConfig.preset("ffhq", ModelConfig.official(1024));

    private void check(double kimg, double lod, int res, int mb, double lr) {
        Schedule s = Schedule.at(ffhq, kimg);
        assertEquals(lod, s.lod(), 1e-12, "lod at " + kimg);
        assertEquals(res, s.resolution(), "resolution at " + kimg);
        assertEquals(mb, s.minibatch(), "minibatch at " + kimg);
        assertEquals(lr, s.learningRate(), 1e-12, "lr at " + kimg);
    }

    @Test
    void followsTheOfficialTable() {
        check(0, 7, 8, 256, 0.001);
        check(599, 7, 8, 256, 0.001);
        check(900, 6.5, 16, 128, 0.001);
        check(1200, 6, 16, 128, 0.001);
        check(2100, 5.5, 32, 64, 0.001);
        check(3000, 5, 32, 64, 0.001);
        check(3900, 4, 64, 32, 0.001);
        check(4500, 3.5, 128, 32, 0.0015);
        check(6000, 2, 256, 32, 0.002);
        check(7500, 1, 512, 32, 0.003);
        check(8100, 0.5, 1024, 32, 0.003);
        check(8400, 0, 1024, 32, 0.003);
        check(20000, 0, 1024, 32, 0.003);
        assertEquals(140, Schedule.at(ffhq, 0).tickKimg());
        assertEquals(20, Schedule.at(ffhq, 9000).tickKimg());
    }

    @Test
    void nonProgressiveTrainsAtFullResolution() {
        ffhq = ffhq.toBuilder().progressive(false).build();
        assertEquals(0, Schedule.at(ffhq, 0).lod());
        assertEquals(1024, Schedule.at(ffhq, 0).resolution());
    }

    @Test
    void rampdownFollowsAHalfCosineToZeroAtTheEnd() {
        ffhq = ffhq.toBuilder().totalKimg(25000).lrRampdown(0.04).build();
        check(24000, 0, 1024, 32, 0.003);
        check(24500, 0, 1024, 32, 0.0015);
        check(24750, 0, 1024, 32, 0.003 * (0.5 - 0.5 * Math.sqrt(0.5)));
        check(25000, 0, 1024, 32, 0);
        check(26000, 0, 1024, 32, 0);
        check(4500, 3.5, 128, 32, 0.0015);
        ffhq = ffhq.toBuilder().lrRampdown(0).build();
        check(24999, 0, 1024, 32, 0.003);
    }

    @Test
    void smallPresetPacksTwoGrowsTo32InSixteenThousandImagesAndRampsDownOverItsLastQuarter() {
        ModelConfig model = ModelConfig.preset("small", 32);
        TrainingConfig digits = TrainingConfig.preset("small", model);
        assertEquals(0.0, model.styleMixingProb());
        assertEquals(200, digits.totalKimg());
        assertEquals(new DiscriminatorConfig(32, 1, 2), model.discriminator());
        assertEquals(1, digits.workers());
        double[][] expected = {{0, 2, 8, 64, 0.005}, {6, 1.5, 16, 32, 0.005}, {16, 0, 32, 32, 0.005},
            {150, 0, 32, 32, 0.005}, {175, 0, 32, 32, 0.0025}, {200, 0, 32, 32, 0}};
        for (double[] e : expected) {
            Schedule s = Schedule.at(digits, e[0]);
            assertEquals(e[1], s.lod(), 1e-12, "lod at " + e[0]);
            assertEquals((int) e[2], s.resolution(), "resolution at " + e[0]);
            assertEquals((int) e[3], s.minibatch(), "minibatch at " + e[0]);
            assertEquals(e[4], s.learningRate(), 1e-12, "lr at " + e[0]);
        }
    }

    @Test
    void digitsIsAnAliasOfTheSmallPreset() {
        ModelConfig small = ModelConfig.preset("small", 32);
        assertEquals(small, ModelConfig.preset("digits", 32));
        assertEquals("small", small.preset());
        ObjectMapper json = new ObjectMapper();
        TrainingConfig alias = TrainingConfig.preset("Digits", small);
        assertEquals("small", alias.preset());
        assertEquals(json.valueToTree(TrainingConfig.preset("small", small)), json.valueToTree(alias));
    }

    @Test
    void emaHalfLifeGivesTheOfficialDecays() {
        assertEquals(0.98241, GeneratorEma.beta(256, 10), 1e-5);
        assertEquals(0.99117, GeneratorEma.beta(128, 10), 1e-5);
        assertEquals(0.99557, GeneratorEma.beta(64, 10), 1e-5);
        assertEquals(0.997784, GeneratorEma.beta(32, 10), 1e-6);
        assertEquals(0.0, GeneratorEma.beta(32, 0));
    }
}
