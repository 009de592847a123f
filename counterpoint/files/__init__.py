"""Files: atomic, never-overwriting output, bounded input, and music21 kept quiet. Below every other layer."""
