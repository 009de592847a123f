"""The free-polyphony critic (issue 9): held-out AUC, other composers, style specificity, speed.

    PYTHONPATH=. .venv/bin/python bench/free_critic.py [--budget 3000]

With the installed models (critic/free_model_2v.json, _3v.json, _4v.json), no retraining:

1. held-out Palestrina (the masses the models never saw, the training split's): AUC real windows vs the
   same windows with a third of one voice's notes moved by a step or a third, rhythm kept, for 2, 3 and 4
   voices, beside the naive baseline (the share of consonant verticals);
2. held-out Palestrina textures over a cantus firmus against the generator's in their rhythm (three and
   four voices), beside a surface-only baseline;
3. for every corpus bundled with music21 (Palestrina held out, Josquin, Monteverdi, Bach chorales,
   trecento): windows, mean score of the real windows, the share where the real window outscores its
   perturbed copy, the same for the baseline;
4. scoring speed: windows per second, features and model, from pieces already read (one process), and
   end to end through `counterpoint critic score` on a Palestrina movement (parse included);
5. training time: as the models' metadata recorded it (the wall time of a cold run is in docs/benchmarks.md).

Corpora are read once into $COUNTERPOINT_CACHE (default ~/.cache/counterpoint), using both cores.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=int, default=3000, help="windows per corpus and voice count (default 3000)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")

    from counterpoint.critic.free import default_free_model_path
    from counterpoint.critic.free_features import VOICE_COUNTS
    from counterpoint.critic.free_model import load_free_model
    from counterpoint.critic.free_train import CORPORA, cross_corpus, load_pieces, scoring_speed, split_by_group

    models = {k: load_free_model(default_free_model_path(k)) for k in VOICE_COUNTS}
    meta = models[2].metadata
    t = time.perf_counter()
    pal = load_pieces("palestrina", meta.get("limit"))
    _, held = split_by_group(pal, seed=int(meta.get("seed", 0)))
    corpora = {"Palestrina (held-out masses)": held}
    corpora.update({c.capitalize() if c != "bach" else "Bach chorales": load_pieces(c) for c in CORPORA if c != "palestrina"})
    print(f"corpora read in {time.perf_counter() - t:.0f} s: " +
          ", ".join(f"{n} {len(p)} pieces" for n, p in corpora.items()))
    t = time.perf_counter()
    res = cross_corpus(models, corpora, budget=args.budget)
    print(f"scored in {time.perf_counter() - t:.0f} s (budget {args.budget} windows per corpus and voice count)\n")

    print("### Held-out Palestrina: real vs perturbed (a third of one voice's notes moved by a step or a third)\n")
    print("| voices | windows | critic AUC | baseline AUC (consonant share) | critic prefers real | baseline prefers real |")
    print("|---:|---:|---:|---:|---:|---:|")
    from counterpoint.critic.free_train import auc, examples

    for k, m in models.items():
        ex = examples(held, k, args.budget, 1)
        r, q = m.score(ex["real"]), m.score(ex["perturbed"])
        print(f"| {k} | {len(r)} | {auc(r, q):.4f} | {auc(ex['baseline_real'], ex['baseline_perturbed']):.4f} | "
              f"{res[f'Palestrina (held-out masses) {k}v']['prefer_real']:.1%} | "
              f"{res[f'Palestrina (held-out masses) {k}v']['baseline_prefer_real']:.1%} |")

    print("\n### Held-out Palestrina textures: real vs generated over the same cantus firmus\n")
    print("Windows of eight whole-note bars where one voice moves in whole notes under two (three) moving voices;")
    print("the generated ones keep his cantus firmus and each free voice's rhythm and range (texture_examples).\n")
    from counterpoint.critic.free_train import TEXTURE_HOP, texture_metrics
    from counterpoint.critic.texture_examples import generated_examples

    train, _ = split_by_group(pal, seed=int(meta.get("seed", 0)))
    print("| voices | real textures | generated | critic AUC | baseline AUC (surface only) | "
          "real above each of its own generated | mean score real / generated | seconds |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k in (v for v in VOICE_COUNTS if v >= 3):
        t = time.perf_counter()
        seed = int(meta.get("seed", 0))
        tm = texture_metrics(models[k], generated_examples(train, seed, hop=TEXTURE_HOP, voices=k),
                             generated_examples(held, seed + 1, voices=k))
        print(f"| {k} | {tm['texture_test_windows']} | {tm['texture_test_generated']} | "
              f"{tm['auc_real_vs_generated']:.4f} | {tm['baseline_auc_real_vs_generated']:.4f} | "
              f"{tm['real_above_its_generated']:.1%} | {tm['mean_score_real_textures']:.3f} / "
              f"{tm['mean_score_generated']:.3f} | {time.perf_counter() - t:.0f} |")

    print("\n### Every corpus, no retraining: mean score of real windows, and real preferred to its perturbed copy\n")
    print("| corpus | voices | pieces | windows | mean score (real) | critic prefers real | baseline prefers real | critic AUC |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in corpora:
        for k in VOICE_COUNTS:
            r = res[f"{name} {k}v"]
            if not r.get("windows"):
                print(f"| {name} | {k} | – | 0 | – | – | – | – |")
                continue
            print(f"| {name} | {k} | {r['pieces']} | {r['windows']} | {r['mean_score']:.3f} | {r['prefer_real']:.1%} | "
                  f"{r['baseline_prefer_real']:.1%} | {r['auc_real_vs_perturbed']:.4f} |")

    print("\n### Speed\n")
    print("| what | windows | seconds | windows per second |")
    print("|---|---:|---:|---:|")
    for k, m in models.items():
        s = scoring_speed(m, held, k, seconds=5.0)
        print(f"| features + model, {k} voices (pieces already read) | {s['windows']} | {s['seconds']} | "
              f"{s['windows_per_second']:,} |")
    from music21 import corpus

    path = str(sorted(corpus.getComposer("palestrina"))[0])
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "counterpoint", "critic", "score", path, "--voices", "1,2,3,4",
                          "--format", "json"], capture_output=True, text=True, check=True).stdout
    dt = time.perf_counter() - t
    import json

    n = len(json.loads(out)["windows"])
    print(f"| `counterpoint critic score` {path.rsplit('/', 1)[-1]} (4 voices, process start and parse included) | "
          f"{n} | {dt:.2f} | {n / dt:,.0f} |")
    tm = meta.get("metrics", {})
    print(f"\ntraining (as recorded in the model): {tm.get('train_seconds')} s for windows, features and the "
          f"models, {' + '.join(str(tm.get(f'{k}v', {}).get('train_windows')) for k in VOICE_COUNTS)} real "
          f"training windows, corpus already read")


if __name__ == "__main__":
    main()
