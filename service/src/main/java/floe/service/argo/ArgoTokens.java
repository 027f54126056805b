package floe.service.argo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may call the Argo API: bearer tokens, each allowed a set of namespaces ({@code *}: all).
 * Given as {@code NAMESPACES:TOKEN} entries separated by white space or newlines, where NAMESPACES
 * is a comma-separated list (a namespace has no colon, a token may have anything but white space).
 * Tokens are compared in constant time and never logged or echoed.
 */
final class ArgoTokens {
    private record Entry(byte[] token, Set<String> namespaces) {}

    private final List<Entry> entries;

    private ArgoTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    static ArgoTokens parse(String text, String source) {
        List<Entry> out = new ArrayList<>();
        if (text != null) {
            int n = 0;
            for (String item : text.strip().split("\\s+")) {
                n++;
                if (item.isEmpty()) {
                    continue;
                }
                int colon = item.indexOf(':');
                if (colon <= 0 || colon == item.length() - 1) {
                    throw new floe.SpecException(source + ": entry " + n + " is not NAMESPACES:TOKEN (namespaces comma-separated, * for all)");
                }
                Set<String> namespaces = new LinkedHashSet<>(List.of(item.substring(0, colon).split(",")));
                String token = item.substring(colon + 1);
                if (token.regionMatches(true, 0, "Bearer", 0, 6) && token.length() == 6) {
                    throw new floe.SpecException(source + ": entry " + n + " has no token after its namespaces");
                }
                out.add(new Entry(token.getBytes(StandardCharsets.UTF_8), namespaces));
            }
        }
        return new ArgoTokens(out);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /**
     * The namespaces the request's {@code Authorization} header may use, or null when it carries no
     * token this server knows (Argo answers 401 then).
     */
    Set<String> namespaces(String authorization) {
        if (authorization == null) {
            return null;
        }
        String given = authorization.strip();
        if (given.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = given.substring(7).strip();
        }
        byte[] bytes = given.getBytes(StandardCharsets.UTF_8);
        Set<String> found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.token(), bytes) && found == null) {
                found = e.namespaces();
            }
        }
        return found;
    }

    static boolean allows(Set<String> namespaces, String namespace) {
        return namespaces.contains("*") || namespaces.contains(namespace);
    }
}
