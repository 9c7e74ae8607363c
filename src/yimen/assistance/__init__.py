"""Social assistance (低保 / 特困 / 低收入) approved at the township."""
