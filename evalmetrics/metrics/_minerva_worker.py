"""The worker side of :class:`evalmetrics.metrics.minerva.SympySimplifyEquiv` (imported only in a worker process).

sympy and its ANTLR LaTeX parser load here, at import, so the per-comparison deadline measures the comparison alone
(``run_isolated`` starts its clock after the task module is imported). One warm-up parse builds the generated
parser's tables, which sympy otherwise builds inside the first comparison. In a worker, every text-to-sympy path
(``parse_expr``, ``sympify`` of a string, ``Number(str)``) first goes through
:func:`evalmetrics.mathparse.pyexpr.install_sympy_firewall`: no ``eval`` of text.
"""
from __future__ import annotations

from ..isolated import in_worker
from ..mathparse.pyexpr import install_sympy_firewall

if in_worker():  # sympy's ANTLR parse_latex reads number tokens with Number(str), i.e. sympify: made eval-free here
    install_sympy_firewall()

try:
    import sympy
    from sympy.parsing.latex import parse_latex
    from sympy.parsing.latex.errors import LaTeXParsingError

    parse_latex("1")
    IMPORT_ERROR = None
except ImportError as e:  # a missing or mismatched ANTLR runtime: reported per call, turned into InvalidConfig
    IMPORT_ERROR = f"{type(e).__name__}: {e}"


def compare(payload):
    """``is_equiv``'s body after the identity check, for ``(answer, gold)``: True / False.

    Returns ``("import_error", message)`` when sympy's LaTeX parser cannot load, which lm_eval lets crash the run
    and the caller turns into ``InvalidConfig``.
    """
    if IMPORT_ERROR is not None:
        return ("import_error", IMPORT_ERROR)
    x1, x2 = payload
    try:
        try:
            parsed_x1 = parse_latex(x1)
            parsed_x2 = parse_latex(x2)
        except (LaTeXParsingError, sympy.SympifyError, TypeError):
            return False
        try:
            diff = parsed_x1 - parsed_x2
        except TypeError:
            return False
        try:
            equal = sympy.simplify(diff) == 0
        except ValueError:
            return False
    except ImportError as e:
        return ("import_error", f"{type(e).__name__}: {e}")
    except Exception:  # noqa: BLE001 - lm_eval scores any other failure 0
        return False
    return bool(equal)


def _selftest_firewall(_payload):
    """Whether text reaching sympify in this worker is interpreted, not run (tests/test_minerva.py)."""
    try:
        sympy.sympify("__import__('os').getpid()")
    except ValueError:
        return float(parse_latex("\\frac{12}{3}")) == 4.0
    return False
