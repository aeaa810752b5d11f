"""NLU components: lexicon entities and the crisis backstop (config.yml)."""
