package floe.argo;

import floe.SpecException;
import floe.model.Workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an Argo workflow file into a Floe workflow. A file may hold several documents: the
 * workflow (a Workflow or CronWorkflow; or, when there is none, a WorkflowTemplate with an
 * entrypoint) and WorkflowTemplates its steps use. Every error names the file, line and column,
 * the spec path and the value, and the document when the file has several.
 *
 * <pre>{@code
 * Workflow wf = ArgoWorkflows.fromYaml(Path.of("process-data.yaml"),
 *         new ArgoOptions(Map.of("workdir", "/data/run1"), Map.of(), "conf/examples/process-data"));
 * }</pre>
 */
public final class ArgoWorkflows {
    private static final Pattern LOCATED = Pattern.compile("^(?:([^#: ]+)#)?((?:spec|kind|metadata|apiVersion|status)[^: ]*): (.*)$",
            Pattern.DOTALL);

    private ArgoWorkflows() {}

    public static Workflow fromYaml(Path file, ArgoOptions options) {
        return fromYaml(file, List.of(), options);
    }

    /**
     * Reads {@code file} with the WorkflowTemplates and ClusterWorkflowTemplates in
     * {@code templates}, which its steps may use through {@code templateRef} and the workflow
     * through {@code workflowTemplateRef}. A directory among {@code templates} is searched for a
     * template no file given has, and so, last, is the workflow file's own directory.
     */
    public static Workflow fromYaml(Path file, List<Path> templates, ArgoOptions options) {
        return load(file, templates, options).workflow();
    }

    /**
     * A workflow, the notices about it (one line each, {@code FILE:LINE:COLUMN: SPEC.PATH: MESSAGE},
     * for what it says that has no effect here), and the files of the WorkflowTemplates it uses
     * (what must travel with it to run elsewhere).
     */
    public record Loaded(Workflow workflow, List<String> notices, List<Path> templates) {
        public Loaded {
            notices = List.copyOf(notices);
            templates = List.copyOf(templates);
        }
    }

    /** As {@link #fromYaml(Path, List, ArgoOptions)}, with the notices a user should see. */
    public static Loaded load(Path file, List<Path> templates, ArgoOptions options) {
        List<ArgoDocuments.Doc> mine = ArgoDocuments.read(file);
        List<ArgoDocuments.Doc> all = new ArrayList<>(mine);
        // WorkflowTemplates a templateRef names and no file given has: looked for in the directories
        // given, then beside the workflow, as a cluster has them installed beside it.
        List<Path> searched = new ArrayList<>();
        java.util.Set<Path> given = new java.util.HashSet<>();
        given.add(file.toAbsolutePath().normalize());
        for (Path t : templates) {
            if (java.nio.file.Files.isDirectory(t)) {
                searched.add(t);
                continue;
            }
            given.add(t.toAbsolutePath().normalize());
            for (ArgoDocuments.Doc d : ArgoDocuments.read(t)) {
                if (!"WorkflowTemplate".equals(d.spec().kind()) && !"ClusterWorkflowTemplate".equals(d.spec().kind())) {
                    throw new SpecException(d.where().at("kind") + ": '" + d.spec().kind() + "' given after the workflow:"
                            + " only WorkflowTemplates and ClusterWorkflowTemplates go there" + d.label());
                }
                all.add(d);
            }
        }
        Path beside = file.toAbsolutePath().getParent();
        if (beside != null && !searched.contains(beside)) {
            searched.add(beside);
        }
        ArgoDocuments.Doc main = main(mine);
        ArgoDocuments.Library library = new ArgoDocuments.Library(main, all, searched, given);
        all.forEach(library::noticesOf);
        try {
            Workflow workflow = new ArgoConverter(main, library, options).convert();
            return new Loaded(workflow, library.notices().stream().map(n -> located(library, main, n).getMessage()).toList(),
                    library.used());
        } catch (SpecException e) {
            throw located(library, main, e.getMessage());
        } catch (IOException e) {
            throw new SpecException(main.file() + ": " + e.getMessage());
        }
    }

    /** The document that is the workflow to run. */
    private static ArgoDocuments.Doc main(List<ArgoDocuments.Doc> docs) {
        List<ArgoDocuments.Doc> workflows = docs.stream()
                .filter(d -> "Workflow".equals(d.spec().kind()) || "CronWorkflow".equals(d.spec().kind())).toList();
        if (workflows.size() > 1) {
            ArgoDocuments.Doc second = workflows.get(1);
            throw new SpecException(second.where().at("kind") + ": a second " + second.spec().kind() + " in the file"
                    + second.label() + ": give one workflow a file");
        }
        if (!workflows.isEmpty()) {
            return workflows.get(0);
        }
        return docs.stream().filter(d -> d.spec().spec() != null && d.spec().spec().entrypoint() != null).findFirst()
                .orElse(docs.get(0));
    }

    /**
     * An error message starts with the spec path it is about ({@code spec.templates[1]...}, or
     * {@code KEY#spec...} for another document): put the file, line and column in front.
     */
    private static SpecException located(ArgoDocuments.Library library, ArgoDocuments.Doc main, String message) {
        Matcher m = LOCATED.matcher(message);
        if (m.matches()) {
            ArgoDocuments.Doc in = m.group(1) == null ? main : library.byKey(m.group(1));
            if (in != null) {
                return new SpecException(in.where().at(m.group(2)) + ": " + m.group(3) + in.label());
            }
        }
        if (message.startsWith(main.file() + ":")) {
            return new SpecException(message);
        }
        return new SpecException(main.file() + ": " + message);
    }

}
