package org.stylegan4j.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query string of an API request, decoded strictly: only the endpoint's parameters, each at most
 * once, with bounded lengths. Anything else is a 400.
 */
public final class QueryParameters {

    /** Longest query string accepted. */
    public static final int MAX_QUERY_LENGTH = 2048;

    private static final int MAX_VALUE_LENGTH = 512;

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param rawQuery the query string as sent (percent-encoded), or null
     * @param allowed the endpoint's parameter names
     * @return the decoded parameters
     * @throws HttpError 400 for unknown or repeated parameters, malformed escapes and overlong values
     */
    public static QueryParameters parse(String rawQuery, Set<String> allowed) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new QueryParameters(values);
        }
        if (rawQuery.length() > MAX_QUERY_LENGTH) {
            throw HttpError.badRequest("query string longer than " + MAX_QUERY_LENGTH + " characters");
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!allowed.contains(key)) {
                throw HttpError.badRequest("unknown parameter '" + printable(key) + "' (this endpoint takes "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
            if (values.containsKey(key)) {
                throw HttpError.badRequest("parameter '" + key + "' given more than once");
            }
            if (value.length() > MAX_VALUE_LENGTH) {
                throw HttpError.badRequest("parameter '" + key + "' is longer than " + MAX_VALUE_LENGTH + " characters");
            }
            values.put(key, value);
        }
        return new QueryParameters(values);
    }

    /**
     * @param name parameter name
     * @return the value, or null when absent
     */
    public String get(String name) {
        return values.get(name);
    }

    /**
     * @param name parameter name
     * @return the value
     * @throws HttpError 400 when absent or empty
     */
    public String required(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            throw HttpError.badRequest("missing parameter '" + name + "'");
        }
        return v;
    }

    /**
     * @param text user text
     * @return the text cut to 160 characters with control characters replaced, safe to echo in a message
     */
    static String printable(String text) {
        String t = text.length() > 160 ? text.substring(0, 160) + "..." : text;
        StringBuilder sb = new StringBuilder(t.length());
        t.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed percent-encoding in the query string");
        }
    }
}
