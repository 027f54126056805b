package floe.model;

import floe.SpecException;

import java.util.regex.Pattern;

/** The one rule for workflow and stage names: they become Flink operator names and uids. */
final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Names() {}

    static void check(String what, String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new SpecException(what + " name '" + name
                    + "' is not valid: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
