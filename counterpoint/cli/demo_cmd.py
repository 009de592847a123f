"""`counterpoint demo`: the built-in example behind `make demo`: check two exercises, then write counterpoint."""

from __future__ import annotations

# A student's first-species exercise above Fux's dorian cantus firmus, with four planted faults.
STUDENT_CF = "D4 F4 E4 D4 G4 F4 A4 G4 F4 E4 D4"
STUDENT_CP = "A4 A4 G4 A4 D5 C5 C5 B4 D5 C5 D5"
# Fux's own solution to the same exercise (Gradus ad Parnassum, Fig. 5).
FUX_CP = "A4 A4 G4 A4 B4 C5 C5 B4 D5 C#5 D5"


def add_arguments(p) -> None:
    p.add_argument("--rules", default="fux", metavar="NAME|FILE")


def run(args) -> int:
    from counterpoint.api import check
    from counterpoint.cli.report_text import format_report
    from counterpoint.model.build import from_text

    print("$ counterpoint check --cf \"%s\" --cp \"%s\"" % (STUDENT_CF, STUDENT_CP))
    print(format_report(check(from_text(STUDENT_CF, STUDENT_CP, species=1), args.rules), "student exercise"))
    print()
    print("$ counterpoint check --cf \"%s\" --cp \"%s\"" % (STUDENT_CF, FUX_CP))
    print(format_report(check(from_text(STUDENT_CF, FUX_CP, species=1), args.rules), "Fux, Fig. 5"))
    print()
    from counterpoint.cli.main import main

    for species in ("1", "4"):
        argv = ["generate", "--cf", STUDENT_CF, "--species", species, "-n", "3", "--seed", "1", "--rules", args.rules]
        print("$ counterpoint " + " ".join(f'"{a}"' if " " in a else a for a in argv))
        main(argv)
        print()
    return 0
