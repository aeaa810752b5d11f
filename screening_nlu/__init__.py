"""Custom NLU for the screening assistant: lexicon entities and the crisis backstop."""
