"""The search syntax in a line, for the field's placeholder, its tooltip and the key overlay.

Apart from :mod:`reader.core.query` so that the window can show it at start without importing
the parser (its regular expressions are compiled at import).
"""

HELP = (
    'words (all must match) · "exact phrase" · OR · -exclude · title: section: source: · '
    "is:unread is:starred · before:/after: 2024-05-01 or 7d"
)
PLACEHOLDER = 'Search: words, "phrase", OR, -word, title:, section:, is:unread, after:7d'
