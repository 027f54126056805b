package floe.report;

import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run's graph puts each stage's node and how its edges run: the Eclipse Layout Kernel's
 * layered algorithm (Sugiyama: layers top to bottom, crossings minimised, orthogonal edges), worked
 * out here so that the page only draws. One node per stage, sized by {@link #size}: a stage of a
 * few tasks shows a square per task, a larger one its counts.
 */
public final class GraphLayout {
    /** Stages of at most this many tasks draw a square per task; larger ones only their counts. */
    public static final int GRID_LIMIT = 256;
    static final int GRID_COLUMNS = 20;
    static final int CELL = 12;
    static final int NODE_WIDTH = 16 + GRID_COLUMNS * CELL;
    static final int HEADER = 52;

    static {
        LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
    }

    /** A node's box; an edge's points (start, bends, end) as x, y pairs. */
    public record Box(double x, double y, double width, double height) {}

    public record Edge(int from, int to, double[] points) {}

    public record Result(double width, double height, List<Box> nodes, List<Edge> edges) {}

    private GraphLayout() {}

    /** Whether {@code stage} draws a square per task. */
    public static boolean grid(StageState stage) {
        return stage.tasks() > 1 && stage.tasks() <= GRID_LIMIT && !stage.dynamic();
    }

    /** The size of {@code stage}'s node: width, height. */
    static double[] size(StageState stage) {
        if (stage.tasks() == 1 && !stage.dynamic()) {
            return new double[] {NODE_WIDTH, 44};
        }
        if (grid(stage)) {
            int rows = (stage.tasks() + GRID_COLUMNS - 1) / GRID_COLUMNS;
            return new double[] {NODE_WIDTH, HEADER + rows * CELL + 6};
        }
        return new double[] {NODE_WIDTH, HEADER + 4};
    }

    /** Lays out the stages of {@code run}, edges from each stage to those that run after it in the same part. */
    public static Result of(RunState run) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.DOWN);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 28.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 44.0);
        root.setProperty(CoreOptions.PADDING, new org.eclipse.elk.core.math.ElkPadding(16));
        List<StageState> stages = run.stages();
        List<ElkNode> nodes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < stages.size(); i++) {
            StageState s = stages.get(i);
            ElkNode n = ElkGraphUtil.createNode(root);
            double[] size = size(s);
            n.setDimensions(size[0], size[1]);
            nodes.add(n);
            index.put(s.part() + "/" + s.name(), i);
        }
        List<ElkEdge> elkEdges = new ArrayList<>();
        List<int[]> ends = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            StageState s = stages.get(i);
            for (String upstream : s.after()) {
                Integer from = index.get(s.part() + "/" + upstream);
                if (from != null) {
                    elkEdges.add(ElkGraphUtil.createSimpleEdge(nodes.get(from), nodes.get(i)));
                    ends.add(new int[] {from, i});
                }
            }
        }
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
        List<Box> boxes = new ArrayList<>();
        for (ElkNode n : nodes) {
            boxes.add(new Box(n.getX(), n.getY(), n.getWidth(), n.getHeight()));
        }
        List<Edge> edges = new ArrayList<>();
        for (int e = 0; e < elkEdges.size(); e++) {
            List<Double> points = new ArrayList<>();
            for (ElkEdgeSection section : elkEdges.get(e).getSections()) {
                points.add(section.getStartX());
                points.add(section.getStartY());
                for (ElkBendPoint b : section.getBendPoints()) {
                    points.add(b.getX());
                    points.add(b.getY());
                }
                points.add(section.getEndX());
                points.add(section.getEndY());
            }
            edges.add(new Edge(ends.get(e)[0], ends.get(e)[1], points.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return new Result(root.getWidth(), root.getHeight(), boxes, edges);
    }
}
