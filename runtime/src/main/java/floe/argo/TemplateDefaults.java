package floe.argo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What a workflow sets for all its templates: {@code spec.templateDefaults}, under each template
 * as Argo merges it (a field the template sets wins; objects are merged field by field, a list is
 * the template's or the defaults' whole; a {@code container} default goes under container
 * templates only, and so on for each kind), and {@code spec.podResources}, the resources of every
 * template that gives no {@code podResources} of its own. Both apply to every template the
 * workflow runs, a WorkflowTemplate's too, as in Argo.
 */
final class TemplateDefaults {
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final ObjectNode defaults;
    private final ArgoSpec.ResourceRequirements podResources;

    TemplateDefaults(ArgoSpec.Template defaults, ArgoSpec.ResourceRequirements podResources) {
        this.defaults = defaults == null ? null : JSON.valueToTree(defaults);
        this.podResources = podResources;
    }

    static TemplateDefaults none() {
        return new TemplateDefaults(null, null);
    }

    /** {@code spec}'s over those of the WorkflowTemplate it runs ({@code base}, or null), as Argo merges the two specs. */
    static TemplateDefaults of(ArgoSpec.WorkflowSpec spec, ArgoSpec.WorkflowSpec base) {
        ArgoSpec.Template defaults = spec.templateDefaults();
        if (base != null && base.templateDefaults() != null) {
            defaults = defaults == null ? base.templateDefaults() : merged(defaults, base.templateDefaults());
        }
        return new TemplateDefaults(defaults, spec.podResources() != null ? spec.podResources()
                : base == null ? null : base.podResources());
    }

    /** What a template runs: a default of one kind goes under templates of that kind only, as in Argo. */
    private static final java.util.List<String> KINDS = java.util.List.of("container", "script", "steps", "dag", "resource",
            "suspend", "containerSet", "data", "http", "plugin");

    /** The templates worked out so far: a template is looked up again for every step and loop that calls it. */
    private final Map<ArgoSpec.Template, ArgoSpec.Template> applied = new java.util.IdentityHashMap<>();

    /** {@code t} with the workflow's defaults under it. */
    ArgoSpec.Template apply(ArgoSpec.Template t) {
        if (defaults == null && podResources == null) {
            return t;
        }
        return applied.computeIfAbsent(t, this::withDefaults);
    }

    private ArgoSpec.Template withDefaults(ArgoSpec.Template t) {
        ArgoSpec.Template out = t;
        if (defaults != null) {
            ObjectNode applicable = defaults.deepCopy();
            ObjectNode mine = JSON.valueToTree(t);
            KINDS.stream().filter(kind -> !mine.has(kind)).forEach(applicable::remove);
            if (!mine.has("container") && !mine.has("script") && !mine.has("containerSet")) {
                applicable.remove(List.of("initContainers", "sidecars")); // the other containers of a pod: a steps or dag template runs none
            }
            out = merged(t, applicable);
        }
        return out.podResources() == null && podResources != null ? out.withPodResources(podResources) : out;
    }

    private static ArgoSpec.Template merged(ArgoSpec.Template over, ArgoSpec.Template under) {
        return merged(over, (ObjectNode) JSON.valueToTree(under));
    }

    private static ArgoSpec.Template merged(ArgoSpec.Template over, ObjectNode under) {
        ObjectNode out = under.deepCopy();
        merge(out, JSON.valueToTree(over));
        try {
            return JSON.treeToValue(out, ArgoSpec.Template.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("template defaults: " + e.getMessage(), e);
        }
    }

    /** Puts {@code over}'s fields into {@code into}: objects merged, anything else replaced. */
    private static void merge(ObjectNode into, JsonNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode mine = into.get(field.getKey());
            if (mine instanceof ObjectNode object && field.getValue() instanceof ObjectNode) {
                merge(object, field.getValue());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }
}
