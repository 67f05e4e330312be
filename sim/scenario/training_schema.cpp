// The training section: tenants, listed jobs and the job generator.

#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

const RecordSchema<TenantSpec>& tenant_schema() {
  static const RecordSchema<TenantSpec> schema = [] {
    RecordSchema<TenantSpec> s("tenant", "A user group of a shared pool.");
    s.name(&TenantSpec::name,
           {.key = "name", .doc = "Tenant name.", .example = "startup-a", .required = true});
    s.quantity(&TenantSpec::share, Dimension::fraction,
               {.key = "share",
                .doc = "Entitled share of the pool's GPUs.",
                .example = "5%",
                .default_text = "0%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.integer(
        &TenantSpec::priority,
        {.key = "priority",
         .doc = "Priority of the generated jobs drawn for this tenant (listed jobs give their "
                "own): higher runs first under the priority and easy_backfill policies.",
         .example = "1",
         .default_text = "0"});
    return s;
  }();
  return schema;
}

const RecordSchema<TrainingJobSpec>& job_schema() {
  static const RecordSchema<TrainingJobSpec> schema = [] {
    RecordSchema<TrainingJobSpec> s(
        "training job",
        "A training run: give `flops`, or `active_parameters` and `tokens` (6·N·D).");
    s.retired("checkpoint_cost",
              "checkpoint_cost was replaced by checkpoint_write_time, checkpoint_async and "
              "checkpoint_snapshot_time (the stall of an asynchronous checkpoint)");
    s.name(&TrainingJobSpec::name,
           {.key = "name", .doc = "Unique job name.", .example = "llama3-405b", .required = true});
    s.name(
        &TrainingJobSpec::tenant,
        {.key = "tenant", .doc = "Who runs it.", .example = "research", .default_text = "default"});
    s.date(&TrainingJobSpec::submit, {.key = "submit",
                                      .doc = "When it is submitted.",
                                      .example = "2025-02-01",
                                      .required = true});
    s.quantity(&TrainingJobSpec::flops, Dimension::compute,
               {.key = "flops",
                .doc = "Total training compute.",
                .example = "3.8e25 FLOP",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.count(&TrainingJobSpec::active_parameters, {.key = "active_parameters",
                                                  .doc = "Parameters active per token.",
                                                  .example = "405B",
                                                  .minimum = 0.0,
                                                  .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::tokens, Dimension::tokens,
               {.key = "tokens",
                .doc = "Training tokens.",
                .example = "15.6T tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.choice(&TrainingJobSpec::precision, detail::precision_choices(),
             {.key = "precision",
              .doc = "Arithmetic precision of the run.",
              .example = "bf16",
              .default_text = "bf16"});
    s.integer(&TrainingJobSpec::gpus, {.key = "gpus",
                                       .doc = "GPUs wanted.",
                                       .example = "16384",
                                       .required = true,
                                       .minimum = 1.0});
    s.integer(&TrainingJobSpec::min_gpus,
              {.key = "min_gpus",
               .doc = "Fewest GPUs it can shrink to (elastic); 0: not elastic.",
               .example = "8192",
               .default_text = "0",
               .minimum = 0.0});
    s.quantity(&TrainingJobSpec::base_mfu, Dimension::fraction,
               {.key = "base_mfu",
                .doc = "Model FLOPs utilisation on a non-blocking fabric: Llama 3 405B reached "
                       "38-43% in bf16 (Llama 3 Herd of Models, 2024).",
                .example = "40%",
                .default_text = "40%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    s.quantity_or_word(
        &TrainingJobSpec::checkpoint_interval_s, Dimension::duration, "auto",
        {.key = "checkpoint_interval",
         .doc = "Useful compute between checkpoints. auto (or absent): Young's sqrt(2·C·M) "
                "(A first order approximation to the optimum checkpoint interval, CACM "
                "1974) with C the checkpoint stall and M the MTBF of the job's GPUs at "
                "the failure causes that interrupt; none when nothing interrupts.",
         .example = "1 h",
         .default_text = "auto",
         .minimum = 0.0,
         .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::checkpoint_write_s, Dimension::duration,
               {.key = "checkpoint_write_time",
                .doc = "Time to write a checkpoint to storage: 67 s for Llama 3 70B on 1,856 "
                       "H200 with PyTorch's asynchronous checkpointing and cached plans (6x "
                       "faster Async Checkpointing in PyTorch, PyTorch blog, April 2025).",
                .example = "2 min",
                .default_text = "67 s",
                .minimum = 0.0,
                .maximum = 1e6});
    s.boolean(&TrainingJobSpec::checkpoint_async,
              {.key = "checkpoint_async",
               .doc = "Asynchronous checkpoints (PyTorch Distributed Checkpoint's async_save): "
                      "training stalls only for the snapshot and the write overlaps compute; "
                      "false: it stalls for the whole write.",
               .example = "false",
               .default_text = "true"});
    s.quantity(&TrainingJobSpec::checkpoint_snapshot_s, Dimension::duration,
               {.key = "checkpoint_snapshot_time",
                .doc = "Stall of an asynchronous checkpoint (the copy to host memory): 6-14 s "
                       "for 7B-13B models (Reducing Model Checkpointing Times by Over 10x with "
                       "PyTorch Distributed Asynchronous Checkpointing, PyTorch blog, 2024).",
                .example = "1 s",
                .default_text = "10 s",
                .minimum = 0.0,
                .maximum = 1e6});
    s.quantity(&TrainingJobSpec::restart_overhead_s, Dimension::duration,
               {.key = "restart_overhead",
                .doc = "Time from an interruption to training again: about the 10-minute "
                       "default collective timeout that detects a failed peer (ByteRobust, "
                       "arXiv 2509.16293, 2025); rescheduling on spares and reading the "
                       "checkpoint back take minutes and seconds more.",
                .example = "5 min",
                .default_text = "10 min",
                .minimum = 0.0,
                .maximum = 1e6});
    s.integer(
        &TrainingJobSpec::priority,
        {.key = "priority", .doc = "Higher runs first.", .example = "10", .default_text = "0"});
    s.boolean(&TrainingJobSpec::preemptible,
              {.key = "preemptible",
               .doc = "Whether an inference service reclaiming its cluster's GPUs may stop the "
                      "job (it resumes from its last checkpoint after a restart).",
               .example = "false",
               .default_text = "true"});
    s.names(&TrainingJobSpec::after, {.key = "after",
                                      .doc = "Jobs that must finish first.",
                                      .example = "[pretrain]",
                                      .default_text = "[]"});
    s.boolean(&TrainingJobSpec::capability_equivalent,
              {.key = "capability_equivalent",
               .doc = "True: the FLOPs are for a capability, and shrink with algorithmic "
                      "efficiency gains; false: fixed compute.",
               .example = "true",
               .default_text = "false"});
    s.quantity(&TrainingJobSpec::global_batch_tokens, Dimension::tokens,
               {.key = "global_batch",
                .doc = "Tokens per optimiser step, for the communication share of a step: "
                       "Llama 3 405B ran at 16M (The Llama 3 Herd of Models, 2024).",
                .example = "16M tokens",
                .default_text = "16M tokens",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.quantity(&TrainingJobSpec::communication_overlap, Dimension::fraction,
               {.key = "communication_overlap",
                .doc = "Share of the gradient all-reduce hidden behind computation (an "
                       "assumption: the backward pass hides about half).",
                .example = "50%",
                .default_text = "50%",
                .minimum = 0.0,
                .maximum = 1.0});
    s.name(&TrainingJobSpec::cluster, {.key = "cluster",
                                       .doc = "Pin to a cluster.",
                                       .example = "rsc-h100",
                                       .default_text = "\"\" (any)"});
    return s;
  }();
  return schema;
}

const RecordSchema<JobGeneratorSpec>& generator_schema() {
  static const RecordSchema<JobGeneratorSpec> schema = [] {
    RecordSchema<JobGeneratorSpec> s(
        "job generator",
        "Stochastic training jobs, shaped like public GPU cluster traces: most jobs small and "
        "short, a heavy tail of large, long ones (lognormal GPU counts and durations; Jeon et "
        "al., \"Analysis of Large-Scale Multi-Tenant GPU Clusters for DNN Training Workloads\", "
        "USENIX ATC 2019, on Microsoft's Philly trace). Tenants are drawn by their shares.");
    s.quantity(&JobGeneratorSpec::arrivals_per_s, Dimension::frequency,
               {.key = "arrivals",
                .doc = "Job arrivals at the start; 0 turns it off.",
                .example = "40/month",
                .default_text = "0/month",
                .minimum = 0.0});
    s.quantity(&JobGeneratorSpec::growth_per_year, Dimension::multiplier,
               {.key = "growth_per_year",
                .doc = "Arrival rate multiple per year.",
                .example = "1.5x",
                .default_text = "1x",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.date(&JobGeneratorSpec::from,
           {.key = "from", .doc = "First arrival; absent: the start.", .example = "2025-01-01"});
    s.date(&JobGeneratorSpec::until,
           {.key = "until", .doc = "Last arrival; absent: the end.", .example = "2026-01-01"});
    s.integer(&JobGeneratorSpec::gpus_median, {.key = "gpus_median",
                                               .doc = "Median GPUs per job.",
                                               .example = "64",
                                               .default_text = "64",
                                               .minimum = 1.0});
    s.real(&JobGeneratorSpec::gpus_sigma, {.key = "gpus_sigma",
                                           .doc = "Lognormal σ of GPUs per job.",
                                           .example = "1.2",
                                           .default_text = "1.2",
                                           .minimum = 0.0,
                                           .maximum = 5.0});
    s.integer(&JobGeneratorSpec::gpus_max, {.key = "gpus_max",
                                            .doc = "Largest job in GPUs.",
                                            .example = "4096",
                                            .default_text = "4096",
                                            .minimum = 1.0});
    s.quantity(&JobGeneratorSpec::duration_median_s, Dimension::duration,
               {.key = "duration_median",
                .doc = "Median run time on H100s at the job's MFU (faster parts finish sooner).",
                .example = "12 h",
                .default_text = "12 h",
                .minimum = 0.0,
                .minimum_exclusive = true});
    s.real(&JobGeneratorSpec::duration_sigma, {.key = "duration_sigma",
                                               .doc = "Lognormal σ of run times.",
                                               .example = "1.0",
                                               .default_text = "1.0",
                                               .minimum = 0.0,
                                               .maximum = 5.0});
    s.quantity(&JobGeneratorSpec::base_mfu, Dimension::fraction,
               {.key = "base_mfu",
                .doc = "MFU of generated jobs.",
                .example = "40%",
                .default_text = "40%",
                .minimum = 0.0,
                .maximum = 1.0,
                .minimum_exclusive = true});
    return s;
  }();
  return schema;
}

}  // namespace

const RecordSchema<TrainingSpec>& training_schema() {
  static const RecordSchema<TrainingSpec> schema = [] {
    RecordSchema<TrainingSpec> s("training", "Training jobs and how they are scheduled.");
    s.choice(&TrainingSpec::policy,
             std::vector<std::pair<std::string, SchedulerPolicy>>{
                 {"fifo", SchedulerPolicy::fifo},
                 {"priority", SchedulerPolicy::priority},
                 {"easy_backfill", SchedulerPolicy::easy_backfill}},
             {.key = "policy",
              .doc = "Gang-scheduling policy.",
              .example = "easy_backfill",
              .default_text = "fifo"});
    s.choice(&TrainingSpec::sharing,
             std::vector<std::pair<std::string, SharingPolicy>>{
                 {"none", SharingPolicy::none},
                 {"quota", SharingPolicy::quota},
                 {"fair_share", SharingPolicy::fair_share}},
             {.key = "sharing",
              .doc = "How tenants share: quota (never more than its share of the GPUs), "
                     "fair_share (the tenant granted the fewest GPU-hours for its share goes "
                     "first) or none.",
              .example = "fair_share",
              .default_text = "none"});
    s.boolean(&TrainingSpec::cross_cluster,
              {.key = "cross_cluster",
               .doc = "Let a job that no single cluster can hold span clusters of the same "
                      "accelerator at the same site (its communication is modelled on the "
                      "first cluster's fabric).",
               .example = "true",
               .default_text = "false"});
    s.integer(&TrainingSpec::backfill_depth,
              {.key = "backfill_depth",
               .doc = "Queued jobs behind the head that a scheduling pass examines for starting "
                      "out of order (EASY backfill, and jobs passing a head held by its quota), as "
                      "Slurm's bf_max_job_test, whose default is 100 (slurm.conf man page, "
                      "Slurm 23.02-24.05). It bounds a pass's work on a deep backlog; a depth "
                      "above the backlog examines every job.",
               .example = "500",
               .default_text = "100",
               .minimum = 1.0,
               .maximum = 1e9});
    s.records(&TrainingSpec::tenants, tenant_schema(),
              {.key = "tenants", .doc = "Tenants with shares.", .default_text = "[]"});
    s.records(&TrainingSpec::jobs, job_schema(),
              {.key = "jobs", .doc = "Explicit jobs.", .default_text = "[]"});
    s.record(&TrainingSpec::generator, generator_schema(),
             {.key = "generator", .doc = "Stochastic jobs.", .default_text = "(off)"});
    return s;
  }();
  return schema;
}

}  // namespace capsim::scenario
