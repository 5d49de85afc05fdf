"""The table and JSON file of a benchmark that times steps over runs:
median, min and max per step, printed and written to bench/results/."""
import json
import os
import statistics

RESULTS = os.path.join(os.path.dirname(__file__), "results")


def report(figures, result, label, filename):
    """figures: step -> [seconds]; result: the JSON document, which gets
    "median_seconds"; label: the first column's title."""
    result["median_seconds"] = {}
    print("%-24s %10s %10s %10s" % (label, "median s", "min s", "max s"))
    for name, values in figures.items():
        median = statistics.median(values)
        result["median_seconds"][name] = round(median, 4)
        print("%-24s %10.3f %10.3f %10.3f" % (name, median, min(values),
                                               max(values)))
    os.makedirs(RESULTS, exist_ok=True)
    path = os.path.join(RESULTS, filename)
    with open(path, "w") as out:
        json.dump(result, out, indent=2, sort_keys=True)
        out.write("\n")
    print("wrote", path)
