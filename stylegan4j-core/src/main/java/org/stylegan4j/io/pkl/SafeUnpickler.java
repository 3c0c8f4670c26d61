package org.stylegan4j.io.pkl;

import org.stylegan4j.io.CheckpointFormatException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle reader (protocols 2 to 5) that builds only the objects an official StyleGAN network file
 * holds and never calls anything. Every class reference ({@code GLOBAL}, {@code STACK_GLOBAL}) is
 * checked against a fixed allow-list the moment it is read; anything else, such as
 * {@code os.system} or {@code builtins.eval}, stops the load before another opcode runs. The
 * allowed classes are interpreted, not invoked: a {@code dnnlib.tflib.network.Network} becomes a
 * {@link PickledNetwork} record, numpy arrays and scalars become {@link NdArray}s, and dicts, lists,
 * tuples, strings, bytes and numbers become plain Java values ({@code Map}, {@code List} (tuples are
 * unmodifiable lists), {@code String}, {@code byte[]}, {@code Long} / {@code BigInteger},
 * {@code Double}, {@code Boolean}, {@code null}). The Python source stored with each network is
 * kept only as a SHA-256 hash.
 */
public final class SafeUnpickler {

    /** What an allow-listed global may be used for. */
    private enum Allowed { NETWORK, RECONSTRUCT, NDARRAY, DTYPE, SCALAR, DICT, ENCODE }

    private static final Map<String, Allowed> ALLOW = Map.ofEntries(
            Map.entry("dnnlib.tflib.network.Network", Allowed.NETWORK),
            Map.entry("numpy.core.multiarray._reconstruct", Allowed.RECONSTRUCT),
            Map.entry("numpy._core.multiarray._reconstruct", Allowed.RECONSTRUCT),
            Map.entry("numpy.ndarray", Allowed.NDARRAY),
            Map.entry("numpy.dtype", Allowed.DTYPE),
            Map.entry("numpy.core.multiarray.scalar", Allowed.SCALAR),
            Map.entry("numpy._core.multiarray.scalar", Allowed.SCALAR),
            Map.entry("collections.OrderedDict", Allowed.DICT),
            Map.entry("dnnlib.util.EasyDict", Allowed.DICT),
            Map.entry("_codecs.encode", Allowed.ENCODE));

    private static final Map<Integer, String> OTHER_OPCODES = otherOpcodes();

    private record Global(String qualifiedName, Allowed kind) {
    }

    /** A numpy array between REDUCE and BUILD; BUILD fills it in place, so references taken earlier see it. */
    private static final class ArrayShell {
        private NdArray value;
    }

    /** A network between NEWOBJ and BUILD; BUILD fills it in place. */
    private static final class NetworkShell {
        private PickledNetwork value;
    }

    private static final Object MARK = new Object();

    /** Most opcodes one pickle may hold (an official network file holds a few thousand). */
    public static final long MAX_OPCODES = 10_000_000L;
    /** Most memo entries (an official network file holds a few thousand). */
    public static final int MAX_MEMO = 1_000_000;
    /** Most values on the stack at once, marks included. */
    public static final int MAX_STACK = 1_000_000;
    /** Most items in a tuple used as a dict key. */
    public static final int MAX_KEY_ITEMS = 64;
    /** Default of {@link #maxSeconds()}. */
    public static final long DEFAULT_MAX_SECONDS = 120;
    /** System property that raises or lowers {@link #maxSeconds()}. */
    public static final String MAX_SECONDS_PROPERTY = "stylegan4j.pickleMaxSeconds";
    private static final int MAX_SHOWN = 80;

    private final ByteBuffer in;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final long deadline;
    private long ops;
    private int opAt;
    private String opName = "";

    private SafeUnpickler(ByteBuffer in, String source) {
        this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.deadline = System.nanoTime() + maxSeconds() * 1_000_000_000L;
    }

    /**
     * Seconds one pickle may take to read: {@value #DEFAULT_MAX_SECONDS}, or the system property
     * {@value #MAX_SECONDS_PROPERTY} (an official 1024x1024 network file takes a few seconds).
     *
     * @return the limit
     */
    public static long maxSeconds() {
        return Long.getLong(MAX_SECONDS_PROPERTY, DEFAULT_MAX_SECONDS);
    }

    /**
     * Reads a pickle file.
     *
     * @param file the file (memory-mapped; at most 2 GiB)
     * @return the unpickled object
     * @throws CheckpointFormatException if the file is unreadable, malformed, or references a class
     *         outside the allow-list ({@link UnsafePickleException})
     */
    public static Object load(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(file + ": pickle larger than 2 GiB is not supported");
            }
            return parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), file.toString());
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new CheckpointFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a pickle from memory.
     *
     * @param data the pickle bytes (read from its position to its limit)
     * @param source name of the data for messages, e.g. the file name
     * @return the unpickled object
     */
    public static Object parse(ByteBuffer data, String source) {
        return new SafeUnpickler(data, source).run();
    }

    private Object run() {
        opAt = in.position();
        int first = u8();
        if (first != 0x80) {
            throw fail("not a pickle of protocol 2 or newer (first byte 0x" + String.format("%02x", first)
                    + "; official StyleGAN networks are pickled with protocol 4)");
        }
        int protocol = u8();
        if (protocol < 2 || protocol > 5) {
            throw fail("unsupported pickle protocol " + protocol + " (supported: 2 to 5)");
        }
        while (true) {
            opAt = in.position();
            int op = u8();
            if (op == '.') {
                opName = "STOP";
                return finished(pop());
            }
            opName = "";
            step(op);
            checkBudget();
        }
    }

    private void checkBudget() {
        if (++ops > MAX_OPCODES) {
            throw fail("more than " + MAX_OPCODES + " pickle opcodes (official StyleGAN network files hold a few "
                    + "thousand)");
        }
        if (stack.size() > MAX_STACK) {
            throw fail("more than " + MAX_STACK + " values on the pickle stack");
        }
        if (memo.size() > MAX_MEMO) {
            throw fail("more than " + MAX_MEMO + " memo entries");
        }
        if ((ops & 0xFFF) == 0 && System.nanoTime() > deadline) {
            throw fail("reading took longer than " + maxSeconds() + " s (raise the limit with -D"
                    + MAX_SECONDS_PROPERTY + "=N)");
        }
    }

    /** The top-level result, with objects built after they were put into it resolved. */
    private Object finished(Object top) {
        Object result = resolve(top);
        if (result instanceof List<?> items && !(result instanceof ArrayList<?>)) {
            List<Object> resolved = new ArrayList<>(items.size());
            for (Object item : items) {
                resolved.add(resolve(item));
            }
            result = tuple(resolved);
        }
        if (result instanceof ArrayShell || result instanceof NetworkShell) {
            throw malformed("object was never given its state");
        }
        return result;
    }

    /** A built numpy array or network for its shell; anything else unchanged. */
    private static Object resolve(Object o) {
        if (o instanceof ArrayShell a && a.value != null) {
            return a.value;
        }
        if (o instanceof NetworkShell n && n.value != null) {
            return n.value;
        }
        return o;
    }

    private void step(int op) {
        switch (op) {
            case 0x80 -> {
                opName = "PROTO";
                u8();
            }
            case 0x95 -> {
                opName = "FRAME";
                long n = in.getLong(need(8));
                if (n < 0 || n > in.remaining()) {
                    throw truncated();
                }
            }
            case '(' -> {
                opName = "MARK";
                marks.add(stack.size());
                stack.add(MARK);
            }
            case ')' -> stack.add(tuple(List.of()));
            case 't' -> {
                opName = "TUPLE";
                stack.add(tuple(popMark()));
            }
            case 0x85, 0x86, 0x87 -> {
                opName = "TUPLE" + (op - 0x84);
                int n = op - 0x84;
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(0, pop());
                }
                stack.add(tuple(items));
            }
            case ']' -> stack.add(new ArrayList<>());
            case 'a' -> {
                opName = "APPEND";
                Object v = pop();
                list(peek()).add(v);
            }
            case 'e' -> {
                opName = "APPENDS";
                List<Object> items = popMark();
                list(peek()).addAll(items);
            }
            case '}' -> stack.add(new LinkedHashMap<>());
            case 's' -> {
                opName = "SETITEM";
                Object v = pop();
                Object k = key(pop());
                dict(peek()).put(k, v);
            }
            case 'u' -> {
                opName = "SETITEMS";
                List<Object> items = popMark();
                if (items.size() % 2 != 0) {
                    throw malformed("odd number of items");
                }
                Map<Object, Object> d = dict(peek());
                for (int i = 0; i < items.size(); i += 2) {
                    d.put(key(items.get(i)), items.get(i + 1));
                }
            }
            case 'c' -> {
                opName = "GLOBAL";
                String module = line();
                String name = line();
                stack.add(global(module, name));
            }
            case 0x93 -> {
                opName = "STACK_GLOBAL";
                Object name = pop();
                Object module = pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw malformed("module and name must be strings");
                }
                stack.add(global(m, n));
            }
            case 'R' -> {
                opName = "REDUCE";
                List<Object> args = listLike(pop());
                stack.add(reduce(pop(), args));
            }
            case 0x81 -> {
                opName = "NEWOBJ";
                List<Object> args = listLike(pop());
                stack.add(newObject(pop(), args));
            }
            case 0x92 -> {
                opName = "NEWOBJ_EX";
                Object kwargs = pop();
                List<Object> args = listLike(pop());
                if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                    throw malformed("keyword arguments are not supported");
                }
                stack.add(newObject(pop(), args));
            }
            case 'b' -> {
                opName = "BUILD";
                Object state = pop();
                build(state);
            }
            case 0x94 -> {
                opName = "MEMOIZE";
                memo.put((long) memo.size(), peek());
            }
            case 'q' -> memo.put((long) u8(), peek());
            case 'r' -> memo.put(u32(), peek());
            case 'h' -> stack.add(memoGet(u8()));
            case 'j' -> stack.add(memoGet(u32()));
            case 'J' -> stack.add((long) in.getInt(need(4)));
            case 'K' -> stack.add((long) u8());
            case 'M' -> stack.add((long) (in.getShort(need(2)) & 0xFFFF));
            case 0x8a -> stack.add(long1());
            case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong(need(8)))));
            case 'N' -> stack.add(null);
            case 0x88 -> stack.add(Boolean.TRUE);
            case 0x89 -> stack.add(Boolean.FALSE);
            case 0x8c -> stack.add(new String(bytes(u8()), StandardCharsets.UTF_8));
            case 'X' -> stack.add(new String(bytes(u32()), StandardCharsets.UTF_8));
            case 0x8d -> stack.add(new String(bytes(in.getLong(need(8))), StandardCharsets.UTF_8));
            case 'C', 'U' -> stack.add(bytes(u8()));
            case 'B' -> stack.add(bytes(u32()));
            case 'T' -> stack.add(bytes(in.getInt(need(4))));
            case 0x8e -> stack.add(bytes(in.getLong(need(8))));
            default -> throw fail("unsupported pickle opcode " + OTHER_OPCODES.getOrDefault(op, "0x" + Integer.toHexString(op))
                    + " at byte " + opAt + " (not used by official StyleGAN network files)");
        }
    }

    private Global global(String module, String name) {
        String qualified = module + "." + name;
        Allowed kind = ALLOW.get(qualified);
        if (kind == null) {
            throw new UnsafePickleException("refusing to load " + source + ": it references " + shown(qualified)
                    + ", which is not an allowed StyleGAN network class", qualified);
        }
        return new Global(qualified, kind);
    }

    private Object reduce(Object callable, List<Object> args) {
        Global g = asGlobal(callable);
        switch (g.kind()) {
            case RECONSTRUCT -> {
                if (args.isEmpty() || !(args.get(0) instanceof Global t) || t.kind() != Allowed.NDARRAY) {
                    throw malformed(g.qualifiedName() + " may only rebuild numpy.ndarray");
                }
                return new ArrayShell();
            }
            case DTYPE -> {
                if (args.isEmpty() || !(args.get(0) instanceof String typestr)) {
                    throw malformed("numpy.dtype needs a type string");
                }
                NdArray.NumpyDtype dtype = NdArray.NumpyDtype.parse(typestr);
                if (dtype == null) {
                    throw fail("unsupported numpy dtype '" + shown(typestr) + "' (supported: float, integer and bool "
                            + "arrays)");
                }
                return dtype;
            }
            case SCALAR -> {
                if (args.size() != 2 || !(args.get(0) instanceof NdArray.NumpyDtype dtype)
                        || !(args.get(1) instanceof byte[] raw)) {
                    throw malformed("numpy scalar needs a dtype and its bytes");
                }
                return array(dtype, new long[0], raw);
            }
            case DICT -> {
                Map<Object, Object> d = new LinkedHashMap<>();
                if (!args.isEmpty()) {
                    for (Object pair : list(args.get(0))) {
                        List<Object> kv = listLike(pair);
                        if (kv.size() != 2) {
                            throw malformed("OrderedDict item is " + describe(pair) + ", not a (key, value) pair");
                        }
                        d.put(key(kv.get(0)), kv.get(1));
                    }
                }
                return d;
            }
            case ENCODE -> {
                if (args.size() != 2 || !(args.get(0) instanceof String text) || !(args.get(1) instanceof String enc)
                        || !(enc.equals("latin1") || enc.equals("latin-1") || enc.equals("iso-8859-1"))) {
                    throw malformed("_codecs.encode is only accepted as encode(str, 'latin1')");
                }
                return text.getBytes(StandardCharsets.ISO_8859_1);
            }
            default -> throw malformed(g.qualifiedName() + " cannot be called");
        }
    }

    private Object newObject(Object cls, List<Object> args) {
        Global g = asGlobal(cls);
        if (!args.isEmpty()) {
            throw malformed(g.qualifiedName() + " takes no constructor arguments");
        }
        return switch (g.kind()) {
            case NETWORK -> new NetworkShell();
            case DICT -> new LinkedHashMap<>();
            default -> throw malformed(g.qualifiedName() + " cannot be instantiated");
        };
    }

    private void build(Object state) {
        Object target = peek();
        Object built;
        if (target instanceof ArrayShell shell && shell.value == null) {
            shell.value = arrayFromState(listLike(state));
            built = shell.value;
        } else if (target instanceof NdArray.NumpyDtype dtype) {
            List<Object> s = listLike(state);
            if (s.size() < 2 || !(s.get(1) instanceof String order) || order.length() != 1) {
                throw malformed("numpy dtype state has no byte order");
            }
            if (s.size() > 3 && s.get(3) != null) {
                throw fail("structured numpy dtypes are not supported");
            }
            dtype.setOrder(order.charAt(0));
            return;
        } else if (target instanceof NetworkShell shell && shell.value == null) {
            shell.value = network(dict(state));
            built = shell.value;
        } else if (target instanceof Map<?, ?> && state instanceof Map<?, ?>) {
            dict(target).putAll(dict(state));
            return;
        } else {
            throw malformed("cannot set the state of " + describe(target));
        }
        stack.set(stack.size() - 1, built);
    }

    /**
     * Checks a dict key as Python would hash it: a string, number, bool, None, or a short tuple of those. Lists
     * and dicts are unhashable in Python; nested tuples never occur in network files and are refused, so no key
     * needs more than one pass over a few items to hash.
     */
    private Object key(Object k) {
        if (isScalar(k)) {
            return k;
        }
        if (k instanceof List<?> items && !(k instanceof ArrayList<?>)) {
            if (items.size() > MAX_KEY_ITEMS) {
                throw malformed("dict key is " + describe(k) + " (at most " + MAX_KEY_ITEMS + " items are supported)");
            }
            for (Object item : items) {
                if (!isScalar(item)) {
                    throw malformed("dict key is a tuple holding " + describe(item) + " (only strings, numbers, "
                            + "booleans and None are supported in key tuples)");
                }
            }
            return k;
        }
        throw malformed("unhashable dict key: " + describe(k));
    }

    private static boolean isScalar(Object o) {
        return o == null || o instanceof String || o instanceof Long || o instanceof BigInteger || o instanceof Double
                || o instanceof Boolean;
    }

    private NdArray arrayFromState(List<Object> s) {
        List<Object> t = s.size() == 5 ? s.subList(1, 5) : s;
        if (t.size() != 4 || !(t.get(1) instanceof NdArray.NumpyDtype dtype)) {
            throw malformed("numpy array state is not (version, shape, dtype, fortran, data)");
        }
        if (Boolean.TRUE.equals(t.get(2))) {
            throw fail("Fortran-ordered numpy arrays are not supported");
        }
        if (!(t.get(3) instanceof byte[] raw)) {
            throw fail("numpy arrays of Python objects are not supported");
        }
        List<Object> dims = listLike(t.get(0));
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw malformed("numpy array shape (" + describe(dims) + ") is not a tuple of sizes");
            }
            shape[i] = d;
        }
        return array(dtype, shape, raw);
    }

    private NdArray array(NdArray.NumpyDtype dtype, long[] shape, byte[] raw) {
        long n = 1;
        try {
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            n = Math.multiplyExact(n, dtype.itemSize());
        } catch (ArithmeticException e) {
            throw malformed("numpy array shape " + shownShape(shape) + " is too large");
        }
        if (n != raw.length) {
            throw malformed("numpy array of shape " + shownShape(shape) + " and dtype " + dtype.descr()
                    + " needs " + n + " bytes, found " + raw.length);
        }
        return new NdArray(dtype, shape, raw);
    }

    private PickledNetwork network(Map<Object, Object> state) {
        Object name = state.get("name");
        Object func = state.get("build_func_name");
        Object version = state.get("version");
        if (!(name instanceof String n) || !(func instanceof String f) || !(version instanceof Long v)) {
            throw malformed("network state has no name, build_func_name or version");
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw fail("network '" + shown(n) + "' has state version " + v + "; StyleGAN (v1) networks have version "
                    + "2 or 3");
        }
        Map<String, Object> kwargs = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : dict(orEmpty(state.get("static_kwargs"))).entrySet()) {
            kwargs.put(stringKey(e.getKey(), "static kwarg", n), e.getValue());
        }
        Map<String, PickledNetwork> components = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : dict(orEmpty(state.get("components"))).entrySet()) {
            String key = stringKey(e.getKey(), "component", n);
            if (!(resolve(e.getValue()) instanceof PickledNetwork c)) {
                throw malformed("component '" + shown(key) + "' of network '" + shown(n) + "' is not a network");
            }
            if (!c.components().isEmpty()) {
                throw malformed("component '" + shown(key) + "' of network '" + shown(n) + "' has components of its "
                        + "own (official networks nest one level deep)");
            }
            components.put(key, c);
        }
        List<PickledNetwork.Variable> variables = new ArrayList<>();
        Object vars = state.get("variables");
        for (Object item : vars == null ? List.of() : listLike(vars)) {
            List<Object> pair = listLike(item);
            if (pair.size() != 2 || !(pair.get(0) instanceof String varName)) {
                throw malformed("variable of network '" + shown(n) + "' is not a (name, value) pair");
            }
            variables.add(new PickledNetwork.Variable(varName, value(resolve(pair.get(1)), n, varName)));
        }
        Object src = state.get("build_module_src");
        String sha = src instanceof String text ? sha256(text) : "";
        return new PickledNetwork((int) (long) v, n, f, kwargs, components, variables, sha);
    }

    private String stringKey(Object key, String what, String network) {
        if (key instanceof String k) {
            return k;
        }
        throw malformed(what + " name of network '" + shown(network) + "' is " + describe(key) + ", not a string");
    }

    private NdArray value(Object v, String network, String name) {
        if (v instanceof NdArray a) {
            return a;
        }
        if (v instanceof Double d) {
            NdArray.NumpyDtype f8 = new NdArray.NumpyDtype('f', 8);
            return new NdArray(f8, new long[0], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(d).array());
        }
        throw malformed("variable '" + shown(name) + "' of network '" + shown(network) + "' is " + describe(v)
                + ", not an array");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object orEmpty(Object o) {
        return o == null ? new LinkedHashMap<>() : o;
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(new ArrayList<>(items));
    }

    @SuppressWarnings("unchecked")
    private List<Object> listLike(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw malformed("expected a tuple, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw malformed("expected a list, found " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw malformed("expected a dict, found " + describe(o));
    }

    private Global asGlobal(Object o) {
        if (o instanceof Global g) {
            return g;
        }
        throw malformed("expected a class, found " + describe(o));
    }

    /**
     * Describes a value read from a pickle by its type and size, never by its content (which may be huge, deeply
     * nested or cyclic): e.g. "a list of 3 items", "a str of 12 characters"; short strings and numbers are shown.
     *
     * @param o the value
     * @return a short phrase
     */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return shown(g.qualifiedName());
        }
        if (o instanceof ArrayShell || o instanceof NetworkShell) {
            Object built = resolve(o);
            return built == o ? (o instanceof ArrayShell ? "an unfinished numpy array" : "an unfinished network")
                    : describe(built);
        }
        if (o instanceof String str) {
            return str.length() <= MAX_SHOWN ? "'" + str + "'" : "a str of " + str.length() + " characters";
        }
        if (o instanceof Long || o instanceof Double || o instanceof Boolean) {
            return o instanceof Boolean b ? (b ? "True" : "False") : o.toString();
        }
        if (o instanceof BigInteger big) {
            return "an int of " + big.bitLength() + " bits";
        }
        if (o instanceof byte[] b) {
            return "bytes of length " + b.length;
        }
        if (o instanceof ArrayList<?> l) {
            return "a list of " + l.size() + " items";
        }
        if (o instanceof List<?> t) {
            return "a tuple of " + t.size() + " items";
        }
        if (o instanceof Map<?, ?> m) {
            return "a dict of " + m.size() + " entries";
        }
        if (o instanceof NdArray a) {
            return "a numpy array of dtype " + a.dtype() + " and shape " + shownShape(a.shape());
        }
        if (o instanceof PickledNetwork n) {
            return "the network '" + shown(n.name()) + "'";
        }
        return "a " + o.getClass().getSimpleName();
    }

    /**
     * @param text a string read from a file
     * @return the string, cut to a readable length for messages
     */
    static String shown(String text) {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "... (" + text.length() + " characters)";
    }

    /**
     * @param shape a shape read from a file
     * @return the shape for messages, or its number of dimensions if it has many
     */
    static String shownShape(long[] shape) {
        return shape.length <= 8 ? Arrays.toString(shape) : "of " + shape.length + " dimensions";
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) {
            throw malformed("memo entry " + key + " is missing");
        }
        return resolve(memo.get(key));
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw malformed("stack is empty");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object o = peek();
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw malformed("no MARK");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private Object long1() {
        byte[] b = bytes(u8());
        if (b.length == 0) {
            return 0L;
        }
        byte[] be = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            be[i] = b[b.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() {
        int start = in.position();
        while (true) {
            if (!in.hasRemaining()) {
                throw truncated();
            }
            if (in.get() == '\n') {
                byte[] b = new byte[in.position() - start - 1];
                in.get(start, b);
                return new String(b, StandardCharsets.UTF_8);
            }
        }
    }

    private int u8() {
        if (!in.hasRemaining()) {
            throw truncated();
        }
        return in.get() & 0xFF;
    }

    private long u32() {
        return in.getInt(need(4)) & 0xFFFFFFFFL;
    }

    /** Reserves n bytes and returns the index of the first. */
    private int need(int n) {
        if (in.remaining() < n) {
            throw truncated();
        }
        int at = in.position();
        in.position(at + n);
        return at;
    }

    private byte[] bytes(long n) {
        if (n < 0) {
            throw malformed("negative length");
        }
        if (n > in.remaining()) {
            throw truncated();
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    private CheckpointFormatException truncated() {
        return fail("truncated pickle (unexpected end of data at byte " + in.limit() + ")");
    }

    private CheckpointFormatException malformed(String why) {
        return fail("malformed pickle (" + (opName.isEmpty() ? "opcode" : opName) + " at byte " + opAt + ": " + why + ")");
    }

    private CheckpointFormatException fail(String message) {
        return new CheckpointFormatException(source + ": " + message);
    }

    private static Map<Integer, String> otherOpcodes() {
        Map<Integer, String> m = new HashMap<>();
        String[][] names = {
            {"I", "INT"}, {"L", "LONG"}, {"S", "STRING"}, {"V", "UNICODE"}, {"F", "FLOAT"}, {"l", "LIST"},
            {"d", "DICT"}, {"i", "INST"}, {"o", "OBJ"}, {"p", "PUT"}, {"g", "GET"}, {"0", "POP"},
            {"1", "POP_MARK"}, {"2", "DUP"}, {"P", "PERSID"}, {"Q", "BINPERSID"},
        };
        for (String[] n : names) {
            m.put((int) n[0].charAt(0), n[1]);
        }
        m.put(0x82, "EXT1");
        m.put(0x83, "EXT2");
        m.put(0x84, "EXT4");
        m.put(0x8b, "LONG4");
        m.put(0x8f, "EMPTY_SET");
        m.put(0x90, "ADDITEMS");
        m.put(0x91, "FROZENSET");
        m.put(0x96, "BYTEARRAY8");
        m.put(0x97, "NEXT_BUFFER");
        m.put(0x98, "READONLY_BUFFER");
        return m;
    }
}
