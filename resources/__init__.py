"""Application resources (icons, desktop entry, metainfo), installed as the package ``reader.resources``."""
