"""Callback requests for the admissions team: storage, export and retention.

`python -m admissions --help` is the staff's command-line tool.
"""
