"""A scheduler server speaking Eudoxia's REST protocol (POST /init, POST /schedule) that decides
like Eudoxia's built-in `naive` scheduler: FIFO over pipelines, the whole free pool to one
pipeline's assignable operators, pipelines with a failure dropped. Prints its port, then serves."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"multi": True, "queue": [], "latest": {}}


def schedule(req):
    new = req["new_pipelines"]
    for p in new + req["other_pipelines"]:
        state["latest"][p["pipeline_id"]] = p
    if not new and not req["results"]:
        return {"suspensions": [], "assignments": []}
    state["queue"].extend(p["pipeline_id"] for p in new)
    assignments, requeue = [], []
    for pool in req["pools"]:
        if pool["avail_cpu"] <= 0 or pool["avail_ram_gb"] <= 0:
            continue
        while state["queue"]:
            p = state["latest"][state["queue"].pop(0)]
            if p["is_complete"] or p["has_failures"] or p["timed_out"]:
                continue
            requeue.append(p["pipeline_id"])
            ops = [op for op in p["operators"] if op["is_assignable_state"]]
            if not state["multi"]:
                ops = [op for op in ops if op["parents_complete"]][:1]
            if not ops:
                continue
            assignments.append({"operator_ids": [op["id"] for op in ops], "cpu": pool["avail_cpu"], "ram_gb": pool["avail_ram_gb"],
                                "priority": p["priority"], "pool_id": pool["pool_id"], "is_resume": False, "force_run": False})
            break
    state["queue"].extend(requeue)
    return {"suspensions": [], "assignments": assignments}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/init":
            state["multi"] = body["params"].get("multi_operator_containers", True)
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


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
