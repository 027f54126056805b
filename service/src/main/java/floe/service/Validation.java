package floe.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.regex.Pattern;

/** Checks on request fields, with AWS Batch's limits and messages shaped like AWS's. */
final class Validation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private Validation() {}

    static String name(JsonNode body, String field) {
        String value = required(body, field);
        if (!NAME.matcher(value).matches()) {
            throw ApiException.client(field + " '" + value + "' is invalid: up to 128 letters (uppercase and lowercase), numbers,"
                    + " hyphens, and underscores are allowed, and the first character must be alphanumeric");
        }
        return value;
    }

    static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty()) {
            throw ApiException.client(field + " is required" + (v != null && !v.isNull() && !v.isTextual() ? " as a string" : ""));
        }
        return v.asText();
    }

    static String optional(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static void attempts(Integer attempts) {
        if (attempts != null && (attempts < 1 || attempts > 10)) {
            throw ApiException.client("Error executing request, Exception : Attempts must be between 1 and 10, got " + attempts);
        }
    }

    static void timeout(Integer seconds) {
        if (seconds != null && seconds < 60) {
            throw ApiException.client("Error executing request, Exception : attemptDurationSeconds must be at least 60, got " + seconds);
        }
    }

    static int maxResults(JsonNode body, int fallback) {
        JsonNode v = body.get("maxResults");
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 1000) {
            throw ApiException.client("maxResults must be between 1 and 1000, got " + v);
        }
        return v.asInt();
    }

    static int offset(JsonNode body) {
        String token = optional(body, "nextToken");
        if (token == null) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(token);
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.client("nextToken '" + token + "' is invalid: pass the nextToken of a previous answer");
    }
}
