"""The critic reads a texture of three voices or more over its voice pairs, until it has a texture model."""

from __future__ import annotations

import json

import pytest

from counterpoint.cli.main import main
from counterpoint.critic import score_many, score_texture
from counterpoint.critic.scoring import texture_pairs
from tests.support import FUX_DIR, load_fux_voices


def test_pairs_of_a_four_voice_first_species_texture():
    tex = load_fux_voices("160")  # four voices, first species, cantus firmus in the alto
    pairs = texture_pairs(tex)
    assert [label for label, _ in pairs] == ["soprano–alto", "soprano–tenor", "soprano–bass", "alto–tenor",
                                             "alto–bass", "tenor–bass"]
    result = score_texture(tex)
    assert 0 <= result.score <= 1
    assert result.score == pytest.approx(sum(x for _, x in result.pairs) / 6)
    assert [x for _, x in result.pairs] == pytest.approx(list(score_many([ex for _, ex in pairs])))


def test_florid_pairs_are_read_only_against_plain_voices():
    tex = load_fux_voices("134")  # soprano in third species, alto in second, cantus firmus in the bass
    assert [label for label, _ in texture_pairs(tex)] == ["soprano–bass", "alto–bass"]


def test_cli_scores_a_texture_with_its_pairs(capsys):
    assert main(["critic", "score", str(FUX_DIR / "fig-134-voices.musicxml"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["voices"] for p in out["pairs"]] == ["soprano–bass", "alto–bass"] and out["reasons"]
