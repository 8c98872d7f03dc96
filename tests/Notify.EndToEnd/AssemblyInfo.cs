// Every test class here runs a whole system (moto, the AppHost, an API and workers) on a 2-core machine: one at a time,
// so each measures itself and not its neighbour.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
