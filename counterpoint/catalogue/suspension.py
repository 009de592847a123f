"""Rules of this family: see counterpoint/catalogue/base.py for how a rule is defined."""

RULES = ()
