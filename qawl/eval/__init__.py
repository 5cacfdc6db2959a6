"""Evaluation: the guidelines' Scoring figures, an error report and a table for the CLI."""

from qawl.eval.errors import error_report, format_table
from qawl.eval.metrics import evaluate
from qawl.eval.names import fold_name, fold_text, name_tokens, names_agree, names_entity

__all__ = [
    "error_report",
    "evaluate",
    "fold_name",
    "fold_text",
    "format_table",
    "name_tokens",
    "names_agree",
    "names_entity",
]
