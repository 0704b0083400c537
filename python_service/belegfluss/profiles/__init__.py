"""Location profiles: loading, validation and lookup."""
