package org.stylegan4j.web;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stylegan4j.StyleGanInputException;
import org.stylegan4j.data.Images;
import org.stylegan4j.metrics.ImageDistance;
import org.stylegan4j.model.Generator;
import org.stylegan4j.model.ModelConfig;
import org.stylegan4j.nn.Engines;
import org.stylegan4j.projection.ProjectedLatents;
import org.stylegan4j.projection.Projector;

import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The projections of uploaded images. An upload is decoded and checked at once; its projection then runs on the
 * inference pool as one long task, reporting its progress after every step. At most {@code maxRunning} projections
 * are queued or running at once (an upload beyond that is refused), and only the last {@code maxStored} are kept:
 * a new one makes the server forget the least recently used finished one. Memory is thus bounded by the
 * uploads being read (each holds a running slot) and the latents kept.
 */
final class Projections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG_MAGIC = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};

    /** What a projection is doing. */
    enum State { QUEUED, RUNNING, DONE, FAILED }

    /** One upload's projection; its progress is written by the worker and read by any thread. */
    static final class Job {
        private final String id;
        /** The preprocessed target, CHW in [-1, 1]; dropped once the projection has it on the device. */
        private float[] target;
        private final byte[] targetPng;
        private final int steps;
        private volatile State state = State.QUEUED;
        private volatile int step;
        private volatile double distance = Double.NaN;
        private volatile String error;
        private volatile ProjectedLatents latents;
        private volatile boolean cancelled;

        private Job(String id, float[] target, byte[] targetPng, int steps) {
            this.id = id;
            this.target = target;
            this.targetPng = targetPng;
            this.steps = steps;
        }

        /** @return the id, 16 hex digits */
        String id() {
            return id;
        }

        /** @return the preprocessed target (centre-cropped and resized to the network) as PNG */
        byte[] targetPng() {
            return targetPng;
        }

        boolean finished() {
            return state == State.DONE || state == State.FAILED;
        }

        /** @return the progress as the API answers it */
        Map<String, Object> status(String space, String distanceName) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("source", ImageRequest.PROJECTION_PREFIX + id);
            out.put("state", state.name().toLowerCase(Locale.ROOT));
            out.put("step", step);
            out.put("steps", steps);
            out.put("distance", Double.isNaN(distance) ? null : distance);
            out.put("error", error);
            out.put("space", space);
            out.put("distanceName", distanceName);
            out.put("target", "/api/project/" + id + "/target.png");
            out.put("latents", state == State.DONE ? "/api/project/" + id + "/" + ProjectedLatents.FILE : null);
            return out;
        }
    }

    private final Generator generator;
    private final ProjectionSettings settings;
    private final InferencePool pool;
    private final int maxRunning;
    private final Semaphore slots;
    private final long maxUploadPixels;
    private final SecureRandom ids = new SecureRandom();
    private final LinkedHashMap<String, Job> jobs = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param generator the network (not closed here)
     * @param settings projector, distance and how many projections are kept
     * @param pool where projections run
     * @param maxRunning projections queued or running at once
     * @param maxUploadPixels the most pixels an uploaded image may have
     */
    Projections(Generator generator, ProjectionSettings settings, InferencePool pool, int maxRunning,
                long maxUploadPixels) {
        this.generator = generator;
        this.settings = settings;
        this.pool = pool;
        this.maxRunning = maxRunning;
        this.slots = new Semaphore(maxRunning);
        this.maxUploadPixels = maxUploadPixels;
    }

    /** @return what {@code /api/info} says about projections */
    Map<String, Object> info(long maxUploadBytes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", settings.projector().steps());
        out.put("space", settings.projector().space().label());
        out.put("distance", settings.distanceName());
        out.put("maxUploadBytes", maxUploadBytes);
        out.put("maxUploadPixels", maxUploadPixels);
        out.put("maxRunning", maxRunning);
        out.put("maxStored", settings.maxStored());
        return out;
    }

    /**
     * Takes a slot for one upload and its projection, to be given back by {@link #start} (whatever its outcome) or
     * {@link #release}.
     *
     * @return false when {@code maxRunning} projections are already under way
     */
    boolean reserve() {
        return slots.tryAcquire();
    }

    /** Gives back a slot taken by {@link #reserve} for an upload that never reached {@link #start}. */
    void release() {
        slots.release();
    }

    /** @return projections queued or running at most */
    int maxRunning() {
        return maxRunning;
    }

    /**
     * Checks an upload and queues its projection, holding a slot taken by {@link #reserve} (kept by the projection
     * until it ends, given back here if it does not start).
     *
     * @param upload the request body
     * @return the queued projection
     * @throws HttpError 415 for bytes that are not a PNG or JPEG image, 400 for an unreadable, too large or too
     *         small image, 503 when the pool's queue is full
     */
    Job start(byte[] upload) {
        boolean queued = false;
        try {
            if (!startsWith(upload, PNG_MAGIC) && !startsWith(upload, JPEG_MAGIC)) {
                throw new HttpError(415, "the upload is not a PNG or JPEG image");
            }
            ModelConfig c = generator.config();
            Images.Loaded loaded;
            try {
                loaded = Images.loadSquare(upload, "upload", maxUploadPixels, c.numChannels(), c.resolution());
            } catch (StyleGanInputException e) {
                throw HttpError.badRequest(QueryParameters.printable(e.getMessage()));
            }
            Job job = new Job(String.format("%016x", ids.nextLong()), loaded.chw(), png(loaded.chw()),
                    settings.projector().steps());
            try {
                pool.submit(() -> run(job));
            } catch (RejectedExecutionException e) {
                throw new HttpError(503, "busy: every inference thread is taken and the queue is full");
            }
            queued = true;
            store(job);
            LOG.info("projection {} queued ({}x{} upload)", job.id, loaded.width(), loaded.height());
            return job;
        } finally {
            if (!queued) {
                slots.release();
            }
        }
    }

    /**
     * @param id a projection id (anything a client sent)
     * @return the projection, now the most recently used
     * @throws HttpError 404 for an unknown or forgotten id
     */
    synchronized Job job(String id) {
        Job job = ID.matcher(id).matches() ? jobs.get(id) : null;
        if (job == null) {
            throw new HttpError(404, "no projection '" + QueryParameters.printable(id) + "' (unknown, or forgotten: "
                    + "the server keeps the last " + settings.maxStored() + ")");
        }
        return job;
    }

    /**
     * @param id a projection id
     * @return its latents
     * @throws HttpError 404 for an unknown or forgotten id, 409 for a projection that is not done
     */
    ProjectedLatents latents(String id) {
        Job job = job(id);
        ProjectedLatents out = job.latents;
        if (out == null) {
            String why = job.state == State.FAILED ? "failed: " + job.error : "is " + job.state.name()
                    .toLowerCase(Locale.ROOT) + " (step " + job.step + " of " + job.steps + ")";
            throw new HttpError(409, "projection " + ImageRequest.PROJECTION_PREFIX + id + " " + why);
        }
        return out;
    }

    /**
     * @param job a projection
     * @return its progress as JSON
     */
    byte[] statusJson(Job job) {
        try {
            return JSON.writeValueAsBytes(job.status(settings.projector().space().label(), settings.distanceName()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops every projection after its current step (queued ones never start). */
    @Override
    public synchronized void close() {
        for (Job job : jobs.values()) {
            job.cancelled = true;
        }
    }

    /** Keeps a projection, forgetting the least recently used finished ones beyond {@code maxStored}. */
    private synchronized void store(Job job) {
        jobs.put(job.id, job);
        Iterator<Job> it = jobs.values().iterator();
        while (jobs.size() > settings.maxStored() && it.hasNext()) {
            Job old = it.next();
            if (old.finished()) {
                it.remove();
                LOG.debug("projection {} forgotten", old.id);
            }
        }
    }

    /** The projection itself, on an inference thread. */
    private Void run(Job job) {
        long start = System.nanoTime();
        try {
            if (job.cancelled) {
                throw new CancellationException();
            }
            job.state = State.RUNNING;
            ModelConfig c = generator.config();
            try (ImageDistance distance = settings.distance().apply(c); NDManager m = Engines.newManager()) {
                NDArray target = m.create(job.target, new Shape(1, c.numChannels(), c.resolution(), c.resolution()));
                job.target = null;
                Projector.Result r = new Projector(generator, distance, settings.projector()).project(target,
                        (step, distances, images) -> {
                            if (job.cancelled) {
                                throw new CancellationException();
                            }
                            job.distance = distances[0];
                            job.step = step + 1;
                        });
                job.latents = new ProjectedLatents(r.ws(), r.noise(), metadata(job, distance, r));
            }
            job.state = State.DONE;
            LOG.info("projection {} done: {} steps in {} s, distance {}", job.id, job.steps,
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), job.distance);
        } catch (CancellationException e) {
            fail(job, "cancelled: the server is stopping");
        } catch (StyleGanInputException e) {
            fail(job, QueryParameters.printable(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("projection {} failed", job.id, e);
            fail(job, "internal error: " + e.getClass().getSimpleName());
        } finally {
            slots.release();
        }
        return null;
    }

    private static void fail(Job job, String message) {
        LOG.info("projection {} failed: {}", job.id, message);
        job.error = message;
        job.state = State.FAILED;
    }

    private Map<String, String> metadata(Job job, ImageDistance distance, Projector.Result r) {
        Projector.Options o = settings.projector();
        double[] last = r.distances()[o.steps() - 1];
        try {
            return Map.of("targets", JSON.writeValueAsString(List.of("explorer upload " + job.id)), "space",
                    o.space().label(), "steps", Integer.toString(o.steps()), "seed", Long.toString(o.seed()),
                    "distance", distance.describe(), "final_distances", JSON.writeValueAsString(last));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] png(float[] chw) {
        ModelConfig c = generator.config();
        return Renderer.png(Images.fromCHW(chw, 0, c.numChannels(), c.resolution(), c.resolution()));
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
