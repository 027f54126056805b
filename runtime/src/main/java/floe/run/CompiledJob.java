package floe.run;

import floe.compile.Plan;
import floe.compile.WorkflowCompiler;
import floe.model.Workflow;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** A workflow compiled into the Flink job that runs it: the plan, and the job graph to submit. */
record CompiledJob(Plan plan, JobGraph graph) {
    static CompiledJob of(Workflow workflow, Configuration conf, WorkflowCompiler compiler) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(FlinkSettings.job(conf));
        Plan plan = compiler.compile(workflow, env);
        StreamGraph streamGraph = env.getStreamGraph();
        streamGraph.setJobName(workflow.name());
        JobGraph graph = streamGraph.getJobGraph(Thread.currentThread().getContextClassLoader());
        graph.setJobConfiguration(FlinkSettings.job(graph.getJobConfiguration()));
        return new CompiledJob(plan, graph);
    }
}
