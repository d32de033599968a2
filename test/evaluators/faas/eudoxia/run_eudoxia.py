"""Runs Eudoxia (a checkout named by argv[1] or EUDOXIA_SRC) on cases read as JSON from stdin.

Input: a JSON list of {"params": {...}, "trace": "<csv text>"}. Output: a JSON list with, per case,
Eudoxia's stats dict plus its newer memory fields, its penalized adjusted latency and the CPU time
the simulation took. Eudoxia's package imports pandas and tomlkit only for tools we never call, so
both are stubbed, and its one Python-3.12-only class header is rewritten in memory for 3.11.
"""
import importlib.abc
import importlib.util
import io
import json
import logging
import math
import os
import re
import sys
import time
import types


class DagFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, path):
        self.path = path

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "eudoxia.utils.dag":
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=self.path)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        with open(self.path) as f:
            text = f.read()
        text = re.sub(r"^class (\w+)\[T: Node\]:", r"class \1(Generic[T]):", text, flags=re.M)
        text = "from typing import Generic, TypeVar\nT = TypeVar('T')\n" + text
        module.__file__ = self.path
        exec(compile(text, self.path, "exec"), module.__dict__)


def load_eudoxia(src):
    for name in ("pandas", "tomlkit"):
        if name not in sys.modules:
            try:
                __import__(name)
            except ImportError:
                sys.modules[name] = types.ModuleType(name)
    sys.path.insert(0, src)
    if sys.version_info < (3, 12):
        # `class DAG[T: Node]:` (3.12 syntax) becomes a Generic class; that one module is loaded from rewritten source.
        sys.meta_path.insert(0, DagFinder(os.path.join(src, "eudoxia", "utils", "dag.py")))
    import eudoxia  # noqa: F401
    logging.disable(logging.CRITICAL)
    register_test_schedulers()
    from eudoxia.simulator import run_simulator, parse_args_with_defaults
    from eudoxia.workload.csv_io import CSVWorkloadReader
    from eudoxia.executor.container import Container
    return run_simulator, parse_args_with_defaults, CSVWorkloadReader, Container


def register_test_schedulers():
    """Registers `test_estimate_sized` (its twin: estimate-sized-policy.ts), a scheduler that sizes
    containers by the operators' memory estimates, since none of Eudoxia's own schedulers reads
    them: with the `noisy` estimator, which estimates come out low decides which operators OOM."""
    from eudoxia.scheduler.decorators import register_scheduler_init, register_scheduler, SCHEDULING_ALGOS
    from eudoxia.workload import OperatorState
    from eudoxia.workload.runtime_status import ASSIGNABLE_STATES
    from eudoxia.executor.assignment import Assignment

    if "test_estimate_sized" in SCHEDULING_ALGOS:
        return

    @register_scheduler_init(key="test_estimate_sized")
    def init(s):
        s.queue = []

    @register_scheduler(key="test_estimate_sized")
    def step(s, results, pipelines):
        if not pipelines and not results:
            return [], []
        s.queue.extend(pipelines)
        assignments = []
        requeue = []
        for pool_id in range(s.executor.num_pools):
            pool = s.executor.pools[pool_id]
            cpu = pool.avail_cpu_pool
            ram = pool.avail_ram_pool
            while s.queue and cpu > 0:
                p = s.queue.pop(0)
                status = p.runtime_status()
                if status.is_pipeline_successful() or status.state_counts[OperatorState.FAILED] > 0 or status.has_timed_out():
                    continue
                ops = status.get_ops(ASSIGNABLE_STATES, require_parents_complete=True)[:1]
                if not ops:
                    requeue.append(p)
                    continue
                need = ops[0].estimate.mem_peak_gb * 1.1 + 0.5
                if need > ram:
                    # This pool cannot hold it now: the pipeline waits at the front for the next pool.
                    s.queue.insert(0, p)
                    break
                take = min(cpu, 2)
                assignments.append(Assignment(ops=ops, cpu=take, ram=need, priority=p.priority,
                                              pool_id=pool_id, pipeline_id=p.pipeline_id))
                cpu -= take
                ram -= need
                requeue.append(p)
        s.queue.extend(requeue)
        return [], assignments


def clean(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return clean(value.item())
    return value


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("EUDOXIA_SRC")
    if not src:
        print("run_eudoxia.py: give an Eudoxia checkout (argument or EUDOXIA_SRC)", file=sys.stderr)
        sys.exit(2)
    run_simulator, parse_args_with_defaults, CSVWorkloadReader, Container = load_eudoxia(src)
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        params = parse_args_with_defaults(case["params"])
        Container.next_container_num = 1
        workload = CSVWorkloadReader(io.StringIO(case["trace"])).get_workload(params["ticks_per_second"])
        started = time.process_time()
        try:
            stats = run_simulator(params, workload=workload)
        except Exception as err:  # Eudoxia rejects some cases (its own assertions); report, go on
            out.append({"error": f"{type(err).__name__}: {err}"})
            continue
        cpu = time.process_time() - started
        result = stats.to_dict()
        result["mean_memory_allocated_percent"] = stats.mean_memory_allocated_percent
        result["mean_memory_consumed_percent"] = stats.mean_memory_consumed_percent
        if params["max_job_seconds"] > 0:
            result["adjusted_latency_penalized"] = stats.adjusted_latency(
                divide_by_completion_rate=False, unfinished_penalty_seconds=2 * params["max_job_seconds"])
        out.append({"stats": clean(result), "cpu_seconds": cpu})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
