"""Options of `summarizer run` that shape its calls: the translation check, the claims call."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["CheckOpt", "ClaimPicksOpt"]

CheckOpt = Annotated[
    bool | None,
    typer.Option(
        "--check-translations/--no-check-translations",
        help="Ask again, once, for a paragraph whose English lost a number, date, acronym, "
        "country, negation, event or accusation, or left German in it [default: check].",
    ),
]
ClaimPicksOpt = Annotated[
    bool | None,
    typer.Option(
        "--claim-picks/--no-claim-picks",
        help="Also ask the model to pick and phrase the claims, in one more call per chunk "
        "[default: no: every checkable sentence is a claim in its aligned English, "
        "attributed by code].",
    ),
]
