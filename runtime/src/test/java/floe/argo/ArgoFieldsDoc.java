package floe.argo;

import floe.argo.ArgoFields.Field;
import floe.argo.ArgoFields.Type;

/** The table of {@code docs/argo.md} that lists every field of the catalogue, made from it. */
final class ArgoFieldsDoc {
    static final String BEGIN = "<!-- fields: made from runtime/src/main/resources/floe/argo/argo-fields.txt by ArgoFieldsTest;"
            + " remake with mvn -pl runtime test -Dtest=ArgoFieldsTest -Dfloe.golden.update=true -->";
    static final String END = "<!-- end of fields -->";

    private ArgoFieldsDoc() {}

    static String table() {
        StringBuilder out = new StringBuilder(BEGIN).append('\n');
        for (Type t : ArgoFields.types().values()) {
            out.append("\n### ").append(t.name()).append("\n\n");
            if (t.fields().isEmpty()) {
                out.append("No fields (`").append(t.openApiName()).append("`).\n");
                continue;
            }
            out.append("`").append(t.openApiName()).append("`\n\n| field | on Floe |\n|---|---|\n");
            for (Field f : t.fields().values()) {
                String what = switch (f.disposition()) {
                    case READ -> "supported" + (f.type() == null ? "" : (f.map() ? ", each value as [" : ", as [")
                            + f.type() + "](#" + f.type().toLowerCase() + ")");
                    case NOTICE -> "noticed, no effect: " + f.reason();
                    case REFUSE -> "**refused**: " + f.feature() + " " + f.reason();
                };
                out.append("| `").append(f.name()).append("` | ").append(what.replace("|", "\\|")).append(" |\n");
            }
        }
        return out.append('\n').append(END).toString();
    }
}
