package floe.argo;

import floe.SpecException;
import floe.expr.Templates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A resource template's {@code flags}, as kubectl would take them, with a task's variables filled
 * in: the object's kind and name given as arguments ({@code [configmap, NAME]} or {@code
 * configmap/NAME}), {@code -l}/{@code --selector}, {@code -n}/{@code --namespace}, {@code
 * --ignore-not-found} (Argo always deletes with it) and {@code --validate} (the server's field
 * validation: Strict, Warn or Ignore). Any other flag is refused, naming those Floe reads.
 */
record KubectlFlags(String kind, String name, String selector, String namespace, String validation) {

    /** The flags {@code flags} (of the resource at {@code where}) say with the task's variables; any other is refused. */
    static KubectlFlags read(List<String> flags, Map<String, String> vars, String where) {
        List<String> given = flags == null ? List.of() : flags;
        List<String> args = new ArrayList<>();
        String selector = null;
        String namespace = null;
        String validation = null;
        for (int i = 0; i < given.size(); i++) {
            String at = where + ".flags[" + i + "]";
            String f = Templates.resolve(given.get(i), vars, at);
            String name = f.contains("=") ? f.substring(0, f.indexOf('=')) : f;
            String inline = f.contains("=") ? f.substring(f.indexOf('=') + 1) : null;
            switch (name) {
                case "-l", "--selector", "-n", "--namespace" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= given.size()) {
                            throw new SpecException(at + ": " + name + " takes a value");
                        }
                        value = Templates.resolve(given.get(++i), vars, where + ".flags[" + i + "]");
                    }
                    if (name.equals("-l") || name.equals("--selector")) {
                        selector = value;
                    } else {
                        namespace = value;
                    }
                }
                case "--ignore-not-found" -> {
                    if (inline != null && !inline.equals("true")) {
                        throw new SpecException(at + ": Argo deletes with --ignore-not-found always; '" + f + "' asks otherwise");
                    }
                }
                case "--validate" -> {
                    String v = inline == null ? "true" : inline;
                    validation = switch (v) {
                        case "true", "strict" -> "Strict";
                        case "warn" -> "Warn";
                        case "false", "ignore" -> "Ignore";
                        default -> throw new SpecException(at + ": '" + f + "': --validate takes true, strict, warn, false or ignore");
                    };
                }
                default -> {
                    if (f.startsWith("-")) {
                        throw new SpecException(at + ": the kubectl flag '" + f + "' is not supported by Floe (it reads the"
                                + " object's KIND and NAME, -l/--selector, -n/--namespace, --ignore-not-found and --validate)");
                    }
                    args.add(f);
                }
            }
        }
        if (args.size() == 1 && args.get(0).contains("/")) {
            args = List.of(args.get(0).substring(0, args.get(0).indexOf('/')), args.get(0).substring(args.get(0).indexOf('/') + 1));
        }
        if (args.size() > 2) {
            throw new SpecException(where + ".flags: " + args + ": give at most a kind and a name");
        }
        return new KubectlFlags(args.isEmpty() ? null : args.get(0), args.size() < 2 ? null : args.get(1), selector, namespace, validation);
    }
}
