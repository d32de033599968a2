"""Prints, as JSON, the integers n in 1..N (argv[1], default 65536) where numpy's log(n) is not the
correctly rounded natural logarithm, with numpy's value. Eudoxia computes CPU scaling with np.log;
our simulator computes a correctly rounded log and takes these exceptions from the table."""
import decimal
import json
import sys

import numpy as np

decimal.getcontext().prec = 70
limit = int(sys.argv[1]) if len(sys.argv) > 1 else 65536
out = []
for n in range(1, limit + 1):
    ours = float(decimal.Decimal(n).ln())  # Decimal -> float rounds correctly
    theirs = float(np.log(n))
    if ours != theirs:
        out.append([n, repr(theirs)])
json.dump({"numpy": np.__version__, "limit": limit, "exceptions": out}, sys.stdout)
