package org.stylegan4j.io.pkl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A numpy array read from a pickle: its dtype, shape and raw C-order bytes. Only plain numeric
 * dtypes exist here (float, signed and unsigned integers, bool); values convert to float32 on demand.
 */
public final class NdArray {

    private final NumpyDtype dtype;
    private final long[] shape;
    private final byte[] data;

    NdArray(NumpyDtype dtype, long[] shape, byte[] data) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
    }

    /** @return the numpy type string with its byte order, e.g. {@code <f4} */
    public String dtype() {
        return dtype.descr();
    }

    /** @return the shape (empty for a 0-d array or numpy scalar) */
    public long[] shape() {
        return shape.clone();
    }

    /** @return number of elements */
    public long size() {
        return Arrays.stream(shape).reduce(1L, Math::multiplyExact);
    }

    /** @return the values as float32 in C order (float64 and integers are converted) */
    public float[] toFloatArray() {
        int n = Math.toIntExact(size());
        float[] out = new float[n];
        ByteBuffer b = ByteBuffer.wrap(data).order(dtype.order());
        int w = dtype.itemSize();
        for (int i = 0; i < n; i++) {
            int at = i * w;
            out[i] = switch (dtype.kind()) {
                case 'f' -> w == 4 ? b.getFloat(at) : (float) b.getDouble(at);
                case 'i' -> (float) signed(b, at, w);
                case 'u' -> (float) unsigned(b, at, w);
                default -> data[at] != 0 ? 1f : 0f;
            };
        }
        return out;
    }

    private static long signed(ByteBuffer b, int at, int w) {
        return switch (w) {
            case 1 -> b.get(at);
            case 2 -> b.getShort(at);
            case 4 -> b.getInt(at);
            default -> b.getLong(at);
        };
    }

    private static double unsigned(ByteBuffer b, int at, int w) {
        return switch (w) {
            case 1 -> b.get(at) & 0xFF;
            case 2 -> b.getShort(at) & 0xFFFF;
            case 4 -> b.getInt(at) & 0xFFFFFFFFL;
            default -> {
                long v = b.getLong(at);
                yield v >= 0 ? (double) v : (double) (v >>> 1) * 2.0 + (v & 1);
            }
        };
    }

    @Override
    public String toString() {
        return "ndarray(" + dtype() + ", " + Arrays.toString(shape) + ")";
    }

    /** A plain numeric numpy dtype; the byte order arrives with the pickle's BUILD state. */
    static final class NumpyDtype {
        private final char kind;
        private final int itemSize;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        private char orderChar = '<';

        NumpyDtype(char kind, int itemSize) {
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /**
         * @param typestr numpy type string without byte order, e.g. f4, i8, u1, b1
         * @return the dtype, or null if stylegan4j does not read that type
         */
        static NumpyDtype parse(String typestr) {
            if (typestr.length() < 2) {
                return null;
            }
            char kind = typestr.charAt(0);
            int size;
            try {
                size = Integer.parseInt(typestr.substring(1));
            } catch (NumberFormatException e) {
                return null;
            }
            boolean ok = switch (kind) {
                case 'f' -> size == 4 || size == 8;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'b' -> size == 1;
                default -> false;
            };
            return ok ? new NumpyDtype(kind, size) : null;
        }

        void setOrder(char c) {
            orderChar = c;
            order = c == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        char kind() {
            return kind;
        }

        int itemSize() {
            return itemSize;
        }

        ByteOrder order() {
            return order;
        }

        String descr() {
            return (itemSize == 1 ? "|" : String.valueOf(orderChar == '=' ? '<' : orderChar)) + kind + itemSize;
        }
    }
}
