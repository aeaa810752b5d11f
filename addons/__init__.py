"""Code the Rasa server loads: NLU components, channels, stores and patches.

Start the server with `python -m addons run ...` (any `rasa` command line):
it installs the patches first (addons/patches/).
"""
