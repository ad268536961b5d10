import subprocess


def _run(code):
    return subprocess.run(["python", "-c", code], capture_output=True).returncode == 0


def run_program(doc, results):
    return {"pass": float(_run(results[0]))}


def score(doc, results):
    return {"acc": float(results[0] == doc["answer"]), "f1": 0.0}
