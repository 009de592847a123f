"""Reading and writing scores (music21, kern, ABC) and engraving (verovio). Importing this package registers
the music21 converters with the model, so ``Exercise.to_music21`` and ``Report.to_music21`` work."""

from counterpoint.io import engrave, m21, texture_io  # noqa: F401  (registration)
