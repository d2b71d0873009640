"""Japanese and English full-text search over published articles, on PostgreSQL alone.

``text`` normalises and splits text into the n-grams the index stores, ``query`` parses what a
reader typed and runs the ranked search, ``highlight`` marks the matches in excerpts, ``views``
serves /search/.
"""
