"""Build critic/fux_profile.json: the idiom statistics of Fux's 46 two-voice solutions, per species, and
(``textures``) those of the free voices of his 76 three- and four-voice solutions, each against the cantus firmus.

    .venv/bin/python critic/fux_profile.py

The profile is what the default ranking calls "style" (counterpoint.ranking): how far a line's repeated
notes, back-and-forth figures, leap share, climax notes and off-beat dissonances lie from Fux's own, in
standard deviations. It is built from the same 46 figures that bench/fux_objective.py compares against,
so that comparison is in sample; bench/heldout_style.py checks it on twenty cantus firmi that are not Fux's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from counterpoint.analysis import build_profile, profile_of_stats, voice_stats
    from tests.support import fux_figures, fux_voice_figures, load_fux, load_fux_voices

    exercises = [load_fux(r["file"]) for r in fux_figures()]
    voices = [vs for row in fux_voice_figures() for vs in voice_stats(load_fux_voices(row["figure"]))]
    data = {"source": "Fux, Gradus ad Parnassum (1725), the 46 two-voice solutions (tests/data/fux_gradus)",
            "built_by": "critic/fux_profile.py", "species": build_profile(exercises),
            "textures_source": "the free voices of his 76 three- and four-voice solutions (figs. 101-204), each "
                               "against the cantus firmus",
            "textures": profile_of_stats(voices)}
    out = ROOT / "critic" / "fux_profile.json"
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
