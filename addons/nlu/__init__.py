"""NLU components (config.yml): the tokenizer, lexicon entities and the crisis backstop."""
