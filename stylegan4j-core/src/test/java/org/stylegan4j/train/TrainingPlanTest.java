package org.stylegan4j.train;

import org.junit.jupiter.api.Test;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.model.ModelConfig;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan lists the schedule's phases as {@link Schedule} runs them, and refuses what cannot fit. */
class TrainingPlanTest {

    private static final long G_PARAMS = 26_219_627L;
    private static final long D_PARAMS = 23_087_249L;
    private static final long GB = 1L << 30;

    private static TrainingPlan ffhq1024() {
        return TrainingPlan.of(TrainingConfig.preset("ffhq", ModelConfig.official(1024)), G_PARAMS, D_PARAMS, 70_000);
    }

    @Test
    void phasesFollowTheSchedule() {
        TrainingConfig config = TrainingConfig.preset("ffhq", ModelConfig.official(1024));
        List<TrainingPlan.Phase> phases = TrainingPlan.of(config, G_PARAMS, D_PARAMS, 70_000).phases();
        // 8x8 stable, then a fade-in and a stable phase for each of 16 ... 1024
        assertEquals(1 + 2 * 7, phases.size());
        assertEquals("stable", phases.get(0).kind());
        assertEquals(8, phases.get(0).resolution());
        assertEquals(256, phases.get(0).minibatch());
        assertEquals("fade-in", phases.get(1).kind());
        assertEquals(16, phases.get(1).resolution());
        assertEquals(600, phases.get(1).startKimg());
        TrainingPlan.Phase last = phases.get(phases.size() - 1);
        assertEquals(1024, last.resolution());
        assertEquals(8400, last.startKimg());
        assertEquals(25000, last.endKimg());
        assertEquals(32, last.minibatch());
        assertEquals(0.003, last.learningRate());
        for (int i = 0; i < phases.size(); i++) {
            TrainingPlan.Phase p = phases.get(i);
            if (i > 0) {
                assertEquals(phases.get(i - 1).endKimg(), p.startKimg(), 1e-9);
            }
            Schedule mid = Schedule.at(config, (p.startKimg() + p.endKimg()) / 2);
            assertEquals(mid.resolution(), p.resolution(), "phase " + i);
            assertEquals(mid.minibatch(), p.minibatch(), "phase " + i);
            assertEquals("fade-in".equals(p.kind()), mid.lod() != Math.floor(mid.lod()), "phase " + i);
        }
    }

    @Test
    void aShortRunHasOnlyTheFirstPhasesAndNoGrowingHasOne() {
        TrainingConfig config = TrainingConfig.preset("ffhq", ModelConfig.official(1024));
        config = config.toBuilder().totalKimg(1).build();
        List<TrainingPlan.Phase> phases = TrainingPlan.of(config, G_PARAMS, D_PARAMS, 64).phases();
        assertEquals(1, phases.size());
        assertEquals(1, phases.get(0).endKimg());
        config = config.toBuilder().totalKimg(700).build();
        assertEquals(List.of(8, 16), TrainingPlan.of(config, G_PARAMS, D_PARAMS, 64).phases().stream()
                .map(TrainingPlan.Phase::resolution).toList());
        assertEquals(1, TrainingPlan.of(config, G_PARAMS, D_PARAMS, 64).remaining(650).size());
        List<TrainingPlan.Phase> one = TrainingPlan.of(config.toBuilder().progressive(false).build(), G_PARAMS, D_PARAMS, 64).phases();
        assertEquals(1, one.size());
        assertEquals(1024, one.get(0).resolution());
        assertEquals(32, one.get(0).minibatch());
    }

    @Test
    void estimatesGrowWithResolutionAndRoundsAndCountTheWeights() {
        TrainingConfig config = TrainingConfig.preset("ffhq", ModelConfig.official(1024));
        TrainingPlan plan = TrainingPlan.of(config, G_PARAMS, D_PARAMS, 70_000);
        long weights = 4 * (5 * G_PARAMS + 4 * D_PARAMS);
        for (TrainingPlan.Phase p : plan.phases()) {
            assertTrue(p.peakBytes() > TrainingPlan.BASE_BYTES + weights, p.toString());
        }
        // the activations term: 225 bytes per unit and image; 8x8 with official widths is 16*512 + 64*512 units
        assertEquals(40_960, TrainingPlan.activationUnits(config.model(), 8));
        TrainingPlan.Phase first = plan.phases().get(0);
        TrainingPlan.Phase rounds = TrainingPlan.of(config.toBuilder().batchRound(64).build(), G_PARAMS, D_PARAMS, 70_000).phases().get(0);
        assertEquals(64, rounds.roundSize());
        assertEquals((long) (TrainingPlan.ACTIVATION_BYTES_PER_UNIT * 40_960 * (256 - 64)),
                first.peakBytes() - rounds.peakBytes(), 1.0);
    }

    @Test
    void aPhaseThatCannotFitIsRefusedNamingTheRoundsThatFit() {
        TrainingPlan plan = ffhq1024();
        long limit = 24 * GB;
        TrainingPlan.Resources machine = new TrainingPlan.Resources("this machine", limit, 8 * GB);
        StyleGanInputException e = assertThrows(StyleGanInputException.class, () -> plan.check(plan.phases(), machine));
        assertTrue(e.getMessage().startsWith("the 1024x1024 "), e.getMessage());
        assertTrue(e.getMessage().contains("with minibatch 32 in rounds of 32, but this machine has 24.0 GB; "
                + "--batch-round auto runs each phase's minibatch in rounds as large as fit (here 256 at 8x8, "), e.getMessage());
        // the first phase alone fits, so a 1 kimg run is accepted
        plan.check(plan.phases().subList(0, 1), machine);

        Map<Integer, Integer> rounds = plan.autoRounds(plan.phases(), limit);
        assertEquals(List.of(8, 16, 32, 64, 128, 256, 512, 1024), List.copyOf(rounds.keySet()));
        assertEquals(256, rounds.get(8));
        TrainingConfig fitted = TrainingConfig.preset("ffhq", ModelConfig.official(1024)).toBuilder()
                .batchRoundDict(rounds).build();
        TrainingPlan ok = TrainingPlan.of(fitted, G_PARAMS, D_PARAMS, 70_000);
        ok.check(ok.phases(), machine);
        for (TrainingPlan.Phase p : ok.phases()) {
            assertEquals((int) rounds.get(p.resolution()), p.roundSize());
            int larger = p.roundSize() + 1;
            while (larger <= p.minibatch() && fitted.splitProblem(p.minibatch(), larger) != null) {
                larger++;
            }
            if (larger <= p.minibatch()) {
                Map<Integer, Integer> more = new TreeMap<>(rounds);
                more.put(p.resolution(), larger);
                TrainingConfig biggerRound = fitted.toBuilder().batchRoundDict(more).build();
                TrainingPlan.Phase bigger = TrainingPlan.of(biggerRound, G_PARAMS, D_PARAMS, 70_000).phases().stream()
                        .filter(q -> q.resolution() == p.resolution()).findFirst().orElseThrow();
                assertTrue(bigger.peakBytes() > limit, "the next valid round at " + p.resolution() + " would fit too");
            }
        }
        // nothing fits in 1 GB: the refusal says to lower the minibatch
        e = assertThrows(StyleGanInputException.class,
                () -> plan.check(plan.phases(), new TrainingPlan.Resources("this machine", GB, 8 * GB)));
        assertTrue(e.getMessage().endsWith("lower --batch or stop earlier with --kimg (see train --plan)"), e.getMessage());
    }

    @Test
    void aLoaderLargerThanTheHeapIsRefused() {
        TrainingPlan plan = ffhq1024();
        StyleGanInputException e = assertThrows(StyleGanInputException.class,
                () -> plan.check(plan.phases(), new TrainingPlan.Resources("this machine", Long.MAX_VALUE, GB)));
        assertTrue(e.getMessage().matches("the \\d+x\\d+ phase needs a Java heap of about .* but the JVM may use "
                + "1\\.0 GB; raise it \\(e\\.g\\. STYLEGAN4J_JAVA_OPTS=-Xmx\\d+g\\)"), e.getMessage());
    }

    @Test
    void theTableListsEveryPhase() {
        TrainingPlan plan = ffhq1024();
        String table = plan.table(plan.phases(), new TrainingPlan.Resources("this machine", 24 * GB, 8 * GB));
        assertEquals(1 + plan.phases().size() + 1, table.lines().count(), table);
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().matches("stable\\s+0\\.0 - 600\\.0\\s+8x8\\s+256\\s+256\\s+0\\.001\\s+.*"),
                table);
        assertTrue(table.contains("(does not fit)"), table);
        assertTrue(table.endsWith("G 26,219,627 and D 23,087,249 parameters, 70000 images; this machine: 24.0 GB "
                + "available, Java heap 8.0 GB"), table);
    }
}
