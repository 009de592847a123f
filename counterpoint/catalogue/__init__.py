"""The rule catalogue: rule definitions (one module per family), the context they read, and the engine."""
