"""counterpoint: write, check and rank species counterpoint against a cantus firmus.

>>> import counterpoint
>>> ex = counterpoint.from_text("D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4", "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5")
>>> counterpoint.check(ex).ok
True
"""

from __future__ import annotations

from counterpoint.api import check, check_all
from counterpoint.catalogue.engine import Report, Violation
from counterpoint.catalogue.rulebook import Rulebook, load_rulebook
from counterpoint.errors import CounterpointError, InputError, NoSolutionError, RulebookError
from counterpoint.feedback import FeedbackStore
from counterpoint.filling import fill
from counterpoint.generator import Solution
from counterpoint.ranking import generate
import counterpoint.io  # noqa: F401,E402  registers the music21 converters with the model (model never imports io)
from counterpoint.model.build import from_text
from counterpoint.model.exercise import Exercise, Note
from counterpoint.model.interval import Interval
from counterpoint.model.mode import Mode
from counterpoint.model.pitch import Pitch

__version__ = "0.1.0"
__all__ = ["check", "check_all", "generate", "fill", "Solution", "from_text", "load_rulebook", "Exercise", "Note", "Pitch", "Interval", "Mode", "Report",
           "Violation", "Rulebook", "CounterpointError", "InputError", "RulebookError", "NoSolutionError", "FeedbackStore"]
