"""A FaaS scheduler in Python, speaking Eudoxia's REST scheduler protocol (POST /init, POST /schedule).

Run it under the simulator:   policy-evolver faas run rest --params params.toml   (with the server
                              started by hand: python3 rest_scheduler.py, rest_scheduler_addr = "127.0.0.1:8080")
Evolve it:                    policy-evolver evolve rest_scheduler.py --serve "python3 {file}" -m <provider:model>

Under `--serve` the file runs inside the command sandbox with only loopback networking; it listens
on the port in $PORT. Pipelines are served by priority (QUERY first), each ready operator in a
container of a share of its pool; a pipeline whose operator failed (OOM) is retried with more RAM.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PRIORITY_ORDER = {"QUERY": 0, "INTERACTIVE": 1, "BATCH_PIPELINE": 2}

# EVOLVE-BLOCK-START
CPU_SHARE = 0.25   # share of a pool's CPUs per container
RAM_SHARE = 0.25   # share of a pool's RAM per container (doubled after each OOM of the pipeline)


def order_key(pipeline):
    return (PRIORITY_ORDER.get(pipeline["priority"], 3), pipeline["arrival_tick"])
# EVOLVE-BLOCK-END


state = {"pipelines": {}, "ooms": {}}


def schedule(req):
    for p in req["new_pipelines"] + req["other_pipelines"]:
        state["pipelines"][p["pipeline_id"]] = p
    for r in req["results"]:
        if r["error"]:
            for op in r["ops"]:
                pipeline_id = op.split("/")[0]
                state["ooms"][pipeline_id] = state["ooms"].get(pipeline_id, 0) + 1
    live = [p for p in state["pipelines"].values() if not p["is_complete"] and not p["timed_out"]]
    live.sort(key=order_key)
    assignments = []
    taken = set()
    for pool in req["pools"]:
        cpu, ram = pool["avail_cpu"], pool["avail_ram_gb"]
        for p in live:
            if p["pipeline_id"] in taken:
                continue
            ready = [op for op in p["operators"] if op["is_assignable_state"] and op["parents_complete"]]
            if not ready:
                continue
            want_cpu = max(1, int(pool["max_cpu"] * CPU_SHARE))
            want_ram = pool["max_ram_gb"] * RAM_SHARE * (2 ** state["ooms"].get(p["pipeline_id"], 0))
            want_ram = min(want_ram, pool["max_ram_gb"])
            if want_cpu > cpu or want_ram > ram:
                continue
            assignments.append({"operator_ids": [ready[0]["id"]], "cpu": want_cpu, "ram_gb": want_ram,
                                "priority": p["priority"], "pool_id": pool["pool_id"]})
            taken.add(p["pipeline_id"])
            cpu -= want_cpu
            ram -= want_ram
    return {"suspensions": [], "assignments": assignments}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/init":
            # One server scores several traces in turn: every simulation starts afresh.
            state["pipelines"].clear()
            state["ooms"].clear()
            answer = {}
        elif self.path == "/schedule":
            answer = schedule(body)
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
