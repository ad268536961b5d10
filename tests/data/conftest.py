# Files under tests/data are inputs (task YAMLs and the lm_eval hook modules they name), not tests: never collect or
# import them (the copied lm_eval modules import lm_eval, sympy, ...).
collect_ignore_glob = ["*"]
