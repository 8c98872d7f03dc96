// One jsii runtime (a node process) serves every App in the test process; the synthesized apps are shared fixtures.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
